#!/usr/bin/env bash
# iot-mud quarantine: the device comes from --device or a decommission record's serial-number; the
# ruleset allows only DNS, NTP, firmware and registrar and nft -c accepts it; --release removes the
# table or compiles the MUD policy back; broken records and service specs fail with exit code and message.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
mud="$IOTOPS_BIN/iot-mud"
site="$IOTOPS_VECTORS/mud/local/site.yaml"

has() { grep -qF -- "$1" "$2" || { echo "FAIL: '$1' not in $2"; cat "$2"; exit 1; }; }
bad() {  # bad STATUS MESSAGE -- command...
    local want=$1 msg=$2; shift 2
    expect "$want" "$@"
    grep -q "^iot-mud: error: " "$tmp/err" && grep -qF -- "$msg" "$tmp/err" ||
        { echo "FAIL: '$msg' not in: $(cat "$tmp/err")"; exit 1; }
    [[ ! -s "$tmp/out" ]] || { echo "FAIL: output on error"; exit 1; }
}

record='{"event":"decommission","serial-number":"THERMO-0001","revoked":["0A"],"deny-list":"/var/lib/iotops/deny","time":"2026-11-24T18:00:00Z"}'
echo "$record" >"$tmp/record.json"
expect 0 -- "$mud" quarantine --site "$site" --record "$tmp/record.json"
cp "$tmp/out" "$tmp/q.nft"
has "decommissioned THERMO-0001 is device thermostat" "$tmp/err"
has "table inet mud_thermostat {" "$tmp/q.nft"
has 'ip daddr { 10.77.2.53/32 } meta l4proto 17 udp dport 53 accept' "$tmp/q.nft"
has 'ip daddr { 10.77.2.123/32 } meta l4proto 17 udp dport 123 accept' "$tmp/q.nft"
has 'ip daddr @dns4_0 meta l4proto 6 tcp dport 443 ct direction original accept comment "quarantine-v4fr/fw0-frdev"' "$tmp/q.nft"
has 'ip daddr { 10.77.2.90/32 } meta l4proto 6 tcp dport 8443 ct direction original accept' "$tmp/q.nft"
has "# updates.things.example.com (not resolved: refresh to fill)" "$tmp/q.nft"
[[ $(grep -c ' accept comment "quarantine' "$tmp/q.nft") -eq 16 ]] || { echo "FAIL: rule count"; grep -c accept "$tmp/q.nft"; exit 1; }
if command -v nft >/dev/null && nft -c -f /dev/null 2>/dev/null; then nft -c -f "$tmp/q.nft"; fi
# flags win over the site file
expect 0 -- "$mud" quarantine --site "$site" --device thermostat --dns 10.77.9.53 --firmware '[fd77:9::1]:8443'
has 'ip daddr { 10.77.9.53/32 } meta l4proto 17 udp dport 53' "$tmp/out"
has 'ip6 daddr { fd77:9::1/128 } meta l4proto 6 tcp dport 8443' "$tmp/out"
expect 0 -- "$mud" quarantine --site "$site" --device thermostat --release
[[ "$(cat "$tmp/out")" == $'table inet mud_thermostat\ndelete table inet mud_thermostat' ]] || { echo "FAIL: release"; cat "$tmp/out"; exit 1; }
"$mud" create "$IOTOPS_VECTORS/mud/local/thermostat.yaml" -o "$tmp/th.json"
expect 0 -- "$mud" quarantine --site "$site" --device thermostat --release "$tmp/th.json"
has 'comment "mud-36660-v4fr/cl0-frdev"' "$tmp/out"
echo "ok: quarantine from a record, from flags, release"

printf '' >"$tmp/empty.json"
bad 65 "decommission record: the input is empty" -- "$mud" quarantine --site "$site" --record "$tmp/empty.json"
echo '{"event":"decommission"}' >"$tmp/noserial.json"
bad 65 'decommission record: "serial-number" is missing' -- "$mud" quarantine --site "$site" --record "$tmp/noserial.json"
echo '{"event":"revoke","serial-number":"THERMO-0001"}' >"$tmp/event.json"
bad 65 'event is "revoke", not "decommission"' -- "$mud" quarantine --site "$site" --record "$tmp/event.json"
echo '{"event":"decommission","serial-number":"NOPE-9"}' >"$tmp/unknown.json"
bad 78 "site: no device with serial-number 'NOPE-9'" -- "$mud" quarantine --site "$site" --record "$tmp/unknown.json"
echo '{"event":"decommission","serial-number":"THERMO-0001","time":"yesterday"}' >"$tmp/time.json"
bad 65 "" -- "$mud" quarantine --site "$site" --record "$tmp/time.json"
echo '{"event":"decommission",' >"$tmp/trunc.json"
bad 65 "decommission record: at byte" -- "$mud" quarantine --site "$site" --record "$tmp/trunc.json"
bad 64 "--registrar 'bad name!'" -- "$mud" quarantine --site "$site" --device thermostat --registrar 'bad name!'
bad 64 "port must be 1..65535" -- "$mud" quarantine --site "$site" --device thermostat --ntp 10.0.0.1:99999
bad 64 "give --device or --record, not both" -- "$mud" quarantine --site "$site" --device thermostat --record "$tmp/record.json"
printf 'devices:\n  - {name: x, addresses: [10.0.0.1]}\n' >"$tmp/bare.yaml"
bad 78 "quarantine: no DNS, NTP, firmware or registrar service is known" -- "$mud" quarantine --site "$tmp/bare.yaml"
echo "ok: 10 bad records, services and combinations"
