#!/usr/bin/env bash
# Prints the Dunbar-Signature header value for a payment webhook body, for demos and tests:
#   t=<unix seconds now>,v1=<hex HMAC-SHA256(SECRET, "<t>." + the file's bytes)>
#
#   tools/sign-webhook.sh "$SECRET" event.json
#   curl -H "Dunbar-Signature: $(tools/sign-webhook.sh "$SECRET" event.json)" \
#        -H 'Content-Type: application/json' --data-binary @event.json \
#        http://127.0.0.1:8080/v1/webhooks/payments
#
# Send the file byte for byte (--data-binary, not -d, which strips newlines): the signature
# covers the exact body. SIGN_WEBHOOK_TIME overrides the timestamp (tests).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 SECRET FILE" >&2
  exit 2
fi
secret=$1
file=$2
if [[ ! -r $file ]]; then
  echo "$0: cannot read $file" >&2
  exit 2
fi
t=${SIGN_WEBHOOK_TIME:-$(date +%s)}
signature=$( { printf '%s.' "$t"; cat "$file"; } | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
printf 't=%s,v1=%s\n' "$t" "$signature"
