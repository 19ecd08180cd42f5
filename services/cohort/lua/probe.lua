-- Health probe: Redis runs our cohort scripts (EVALSHA, reloaded on NOSCRIPT), not merely PING.
return 1
