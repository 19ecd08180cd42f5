-- Health probe: Redis runs our outreach scripts (EVALSHA, reloaded on NOSCRIPT), not merely PING.
return 1
