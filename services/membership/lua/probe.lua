-- Health probe: proves Redis runs our scripts (EVALSHA with NOSCRIPT reload), not merely that it
-- answers PING.
return 1
