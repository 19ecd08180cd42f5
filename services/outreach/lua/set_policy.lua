-- Replaces the tenant's policy.
-- arg: [1] the policy (protobuf JSON). Returns it.
redis.call('SET', key('policy'), arg(1))
return arg(1)
