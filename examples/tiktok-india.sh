#!/usr/bin/env bash
# The TikTok India story (Bloomberg, 2021-02-13), recorded command for command.
# Records into the ledger named by DEALTRACK_DB, or into a fresh one whose path it prints.
# Re-running it against the same ledger stops at the first line (the party exists): no duplicates.
set -euo pipefail

if [ -z "${DEALTRACK_DB:-}" ]; then
    DEALTRACK_DB="$(mktemp -d)/tiktok-india.db"
    export DEALTRACK_DB
fi
echo "Recording into ${DEALTRACK_DB}" >&2

dealtrack party add "TikTok India" --kind unit --parent ByteDance --country IN
dealtrack party add "Glance Digital Experience" --alias Glance --parent InMobi
dealtrack add "TikTok India" --seller ByteDance --acquirer "Reliance Jio" --kind asset-sale \
    --status in-negotiation --value '$3 billion' --basis reported --on 2020-08
dealtrack status tiktok-india-reliance-jio failed --on 2021-02-13 \
    --reason "did not go through for undisclosed reasons" --source Bloomberg
dealtrack add "TikTok India" --seller ByteDance --acquirer "Glance Digital Experience" \
    --backer SoftBank --kind asset-sale --status in-negotiation --on 2021-02-13 \
    --source Bloomberg --attribution anonymous --note "initial phase of negotiations"
dealtrack add "Glance Digital Experience" --kind investment --acquirer Google \
    --acquirer "Mithril Capital" --value '$145 million' --status completed --on 2020-12
dealtrack party link SoftBank --backs InMobi --source Bloomberg
dealtrack party link SoftBank --backs ByteDance --source Bloomberg
dealtrack party add "Peter Thiel" --kind person
dealtrack party link "Peter Thiel" --leads "Mithril Capital"
dealtrack list --status failed
dealtrack show tiktok-india-glance-digital-experience
dealtrack conflicts tiktok-india-glance-digital-experience
dealtrack report --by status
dealtrack timeline --target "TikTok India"
