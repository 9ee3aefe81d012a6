#!/usr/bin/env bash
# iot-mud compile: nft -c accepts the script compiled for every shared vector; the script has the
# table, DNS sets with TTL timeouts, conntrack directions and default drops; iptables output has
# the same rules; --refresh fills sets; bad site files and devices fail with 78/64 and a message.
set -euo pipefail
: "${IOTOPS_SRC:?}" "${IOTOPS_BIN:?}" "${IOTOPS_VECTORS:?}"
tmp=$(mktemp -d)
. "$IOTOPS_SRC/tests/cli/lib/expect.sh"
ns="imc$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
mud="$IOTOPS_BIN/iot-mud"
v="$IOTOPS_VECTORS/mud"
site="$v/local/site.yaml"

has() { grep -qF -- "$1" "$2" || { echo "FAIL: '$1' not in $2"; cat "$2"; exit 1; }; }

nft_check=1
if ! command -v nft >/dev/null || ! nft -c -f /dev/null 2>/dev/null; then
    echo "note: nft -c is not usable here; scripts are not syntax-checked"; nft_check=0
fi
# iptables-restore --test needs a network namespace of its own (it talks to the kernel)
ipt_check=0
if command -v iptables-restore >/dev/null && ip netns add "$ns" 2>/dev/null; then ipt_check=1
else echo "note: iptables-restore or namespaces unavailable; iptables output is not checked by iptables"; fi
n=0
for f in "$v"/rfc8520/*.json "$v"/cisco-luminaire/*.json "$v"/nist/*.json; do
    expect 0 -- "$mud" compile --compat --site "$site" "$f" -o "$tmp/p.nft"
    [[ $nft_check -eq 0 ]] || nft -c -f "$tmp/p.nft" || { echo "FAIL: nft -c rejects the script for $f"; cat "$tmp/p.nft"; exit 1; }
    expect 0 -- "$mud" compile --compat --target iptables --site "$site" "$f" -o "$tmp/p.ipt"
    has "COMMIT" "$tmp/p.ipt"
    expect 0 -- "$mud" compile --compat --target ip6tables --site "$site" "$f" -o "$tmp/p.ip6t"
    if [[ $ipt_check -eq 1 ]]; then
        ip netns exec "$ns" iptables-restore --test "$tmp/p.ipt" || { echo "FAIL: iptables-restore rejects $f"; cat "$tmp/p.ipt"; exit 1; }
        ip netns exec "$ns" ip6tables-restore --test "$tmp/p.ip6t" || { echo "FAIL: ip6tables-restore rejects $f"; exit 1; }
    fi
    n=$((n + 1))
done
echo "ok: $n vectors compile; nft -c and iptables-restore --test accept every script"

"$mud" create "$v/local/thermostat.yaml" -o "$tmp/th.json"
expect 0 -- "$mud" compile --site "$site" "$tmp/th.json"
cp "$tmp/out" "$tmp/th.nft"
has "table inet mud_thermostat {" "$tmp/th.nft"
has "elements = { 10.77.2.80 timeout 120s }" "$tmp/th.nft"
has "ip daddr @dns4_0 meta l4proto 6 tcp dport 443 ct direction original accept" "$tmp/th.nft"
has "ip saddr @dns4_0 meta l4proto 6 tcp sport 443 ct direction reply accept" "$tmp/th.nft"
has "ip saddr { 10.77.0.0/16 } meta l4proto 6 tcp dport 8080 ct direction original accept" "$tmp/th.nft"
has "ether saddr 02:00:00:00:01:10 jump from_device" "$tmp/th.nft"
[[ $(grep -c 'drop comment "default deny"' "$tmp/th.nft") -eq 2 ]] || { echo "FAIL: default deny"; exit 1; }
has "has no IPv6 address in the site file" "$tmp/err"
echo "ok: table, DNS sets with TTL, conntrack direction, default drop"

# a name without a pinned answer stays an empty set, with the refresh command printed
sed '/^hosts:/,/ttl: 120/d' "$site" >"$tmp/nohosts.yaml"
expect 0 -- "$mud" compile --site "$tmp/nohosts.yaml" "$tmp/th.json"
has "# cloud.things.example.com (not resolved: refresh to fill)" "$tmp/out"
has "compile --refresh --resolve --site" "$tmp/err"
expect 0 -- "$mud" compile --refresh --site "$site" "$tmp/th.json"
has "flush set inet mud_thermostat dns4_0" "$tmp/out"
has "add element inet mud_thermostat dns4_0 { 10.77.2.80 timeout 120s }" "$tmp/out"
echo "ok: unresolved names become empty sets with a refresh command"

expect 0 -- "$mud" compile --target iptables --site "$site" "$tmp/th.json"
has "-A MUD-thermostat-FR -d 10.77.2.80 -p tcp --dport 443 -m conntrack --ctdir ORIGINAL" "$tmp/out"
has "-A MUD-thermostat-TO -j DROP" "$tmp/out"
expect 0 -- "$mud" compile --target ip6tables --site "$site" "$tmp/th.json"
has "-A MUD-thermostat-FR -d fd77:2::80 -p tcp --dport 443" "$tmp/out"
echo "ok: iptables and ip6tables"

# bad inputs
bad() {  # bad STATUS MESSAGE -- command...
    local want=$1 msg=$2; shift 2
    expect "$want" "$@"
    grep -qF -- "$msg" "$tmp/err" || { echo "FAIL: '$msg' not in: $(cat "$tmp/err")"; exit 1; }
    [[ ! -s "$tmp/out" ]] || { echo "FAIL: output on error"; exit 1; }
}
printf 'devices:\n  - name: x\n    addresses: [10.0.0.300]\n' >"$tmp/badaddr.yaml"
bad 78 "site: addresses: '10.0.0.300' is not an IP address or prefix (line 3)" -- "$mud" compile --site "$tmp/badaddr.yaml" "$tmp/th.json"
printf 'devices:\n  - name: x\n    addresses: [10.0.0.1]\nfirewall: on\n' >"$tmp/badkey.yaml"
bad 78 "site: unknown key 'firewall' in the site file (line 4)" -- "$mud" compile --site "$tmp/badkey.yaml" "$tmp/th.json"
printf 'devices:\n  - name: x\n' >"$tmp/noaddr.yaml"
bad 78 "site: device 'x' needs addresses" -- "$mud" compile --site "$tmp/noaddr.yaml" "$tmp/th.json"
bad 78 "site: no device named 'fridge'" -- "$mud" compile --site "$site" --device fridge "$tmp/th.json"
printf 'devices:\n  - {name: a, addresses: [10.0.0.1]}\n  - {name: b, addresses: [10.0.0.2]}\n' >"$tmp/two.yaml"
bad 64 "site has 2 devices" -- "$mud" compile --site "$tmp/two.yaml" "$tmp/th.json"
bad 66 "site.yaml" -- "$mud" compile --site "$tmp/absent/site.yaml" "$tmp/th.json"
bad 65 "invalid MUD file: /ietf-mud:mud/ietf-mud-reporter-extension:reporter" -- "$mud" compile --site "$site" "$v/nist/mudfile-dns-test.json"
echo "ok: 7 bad inputs"
