#!/usr/bin/env bash
# Real enforcement: a device, a router and a server in their own network namespaces joined by
# veth links. The router loads the nft script iot-mud compiles; real TCP and UDP flows then show
# that every flow the MUD file allows connects, every other one is dropped, direction-initiated
# holds both ways, quarantine leaves only its services, and release restores the MUD policy;
# the iptables-restore output is then enforced too.
set -euo pipefail
: "${IOTOPS_BIN:?}" "${IOTOPS_SRC:?}"
mud="$IOTOPS_BIN/iot-mud"
flow="$IOTOPS_SRC/tests/interop/netns/flow.py"
py=/usr/bin/python3
tmp=$(mktemp -d)
id="im$$"
dev="${id}d" rtr="${id}r" srv="${id}s"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for n in "$dev" "$rtr" "$srv"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v nft >/dev/null || ! ip netns add "$dev" 2>/dev/null; then
    echo "skip: network namespaces cannot be made here (needs root, iproute2 and nft)"
    exit 0
fi
ip netns add "$rtr"
ip netns add "$srv"
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# device 10.77.1.10 -- 10.77.1.1 router 10.77.2.1 -- server with one address per role
ip link add "${id}a" netns "$dev" type veth peer name "${id}b" netns "$rtr"
ip link add "${id}c" netns "$rtr" type veth peer name "${id}e" netns "$srv"
nsx "$dev" ip link set "${id}a" address 02:00:00:00:01:10
nsx "$dev" ip addr add 10.77.1.10/24 dev "${id}a"
nsx "$dev" ip addr add 10.77.1.11/24 dev "${id}a"
nsx "$rtr" ip addr add 10.77.1.1/24 dev "${id}b"
nsx "$rtr" ip addr add 10.77.2.1/24 dev "${id}c"
for a in 53 123 5 70 80 81 90 99 100; do nsx "$srv" ip addr add "10.77.2.$a/24" dev "${id}e"; done
for ns in "$dev" "$rtr" "$srv"; do nsx "$ns" ip link set lo up; done
nsx "$dev" ip link set "${id}a" up
nsx "$rtr" ip link set "${id}b" up
nsx "$rtr" ip link set "${id}c" up
nsx "$srv" ip link set "${id}e" up
nsx "$dev" ip route add default via 10.77.1.1
nsx "$srv" ip route add default via 10.77.2.1
nsx "$rtr" sysctl -qw net.ipv4.ip_forward=1

cat >"$tmp/device.yaml" <<'YAML'
mud-url: https://things.example.com/thermostat.json
mfg-name: Example Things
systeminfo: netns test thermostat
ip-versions: [ipv4]
allow:
  - dns: cloud.things.example.com
    protocol: tcp
    port: 443
    direction-initiated: from-device
  - controller: urn:ietf:params:mud:dns
    protocol: udp
    port: 53
  - controller: urn:ietf:params:mud:ntp
    protocol: udp
    port: 123
  - my-controller: true
    protocol: udp
    port: 5684
  - local-networks: true
    protocol: tcp
    port: 8080
    direction-initiated: to-device
  - same-manufacturer: true
    protocol: tcp
    port: 7000
YAML
cat >"$tmp/site.yaml" <<'YAML'
devices:
  - name: thermostat
    mac: 02:00:00:00:01:10
    addresses: [10.77.1.10, 10.77.1.11]
    serial-number: THERMO-0001
    my-controller: [10.77.2.5]
controllers:
  urn:ietf:params:mud:dns: [10.77.2.53]
  urn:ietf:params:mud:ntp: [10.77.2.123]
local-networks: [10.77.2.96/28]
manufacturers:
  things.example.com: [10.77.2.70]
hosts:
  cloud.things.example.com: {addresses: [10.77.2.80, 10.77.2.81], ttl: 60}
quarantine:
  firmware: cloud.things.example.com:443
  registrar: 10.77.2.90:8443
YAML
"$mud" create "$tmp/device.yaml" -o "$tmp/device.json"
"$mud" compile --site "$tmp/site.yaml" --resolve "$tmp/device.json" -o "$tmp/policy.nft"

# servers: everything the tests reach for, allowed or not
srv_specs=(tcp:10.77.2.80:443 tcp:10.77.2.80:80 tcp:10.77.2.99:443 udp:10.77.2.53:53 udp:10.77.2.53:54
           udp:10.77.2.99:53 udp:10.77.2.123:123 udp:10.77.2.5:5684 tcp:10.77.2.70:7000 tcp:10.77.2.70:7001
           tcp:10.77.2.100:8080 tcp:10.77.2.100:9000 tcp:10.77.2.90:8443 tcp:10.77.2.53:53)
nsx "$srv" "$py" "$flow" serve "${srv_specs[@]}" >"$tmp/srv.log" 2>&1 & pids+=($!)
nsx "$dev" "$py" "$flow" serve tcp:10.77.1.10:8080 tcp:10.77.1.10:22 tcp:10.77.1.10:5000 >"$tmp/dev.log" 2>&1 & pids+=($!)
for i in $(seq 50); do grep -q ready "$tmp/srv.log" && grep -q ready "$tmp/dev.log" && break; sleep 0.1; done

fails=0
check() {  # check allow|deny NS tcp|udp DST PORT [SRC [SPORT]] -- what
    local want=$1 ns=$2; shift 2
    local args=() what
    while [[ $1 != -- ]]; do args+=("$1"); shift; done
    what=$2
    # a flow that should pass gets three tries: a busy machine can miss one timeout, a dropped flow never connects
    local tries=1 rc; [[ $want == allow ]] && tries=3
    for ((t = 0; t < tries; t++)); do
        set +e; nsx "$ns" "$py" "$flow" "${args[@]}"; rc=$?; set -e
        [[ $rc -ne 0 ]] || break
    done
    [[ $rc -le 1 ]] || { echo "FAIL: $what: the flow could not be tried"; exit 1; }
    local got=deny; [[ $rc -eq 0 ]] && got=allow
    if [[ $got == "$want" ]]; then echo "ok: $want: $what"; else echo "FAIL: $what: expected $want, got $got"; fails=$((fails + 1)); fi
}

# without a policy everything flows (the network itself works)
check allow "$dev" tcp 10.77.2.99 443 -- "no policy: device to an unlisted server"
check allow "$srv" tcp 10.77.1.10 22 10.77.2.99 -- "no policy: server to the device"

nsx "$rtr" nft -f "$tmp/policy.nft"
grep -q "10.77.2.80 timeout" <<<"$(nsx "$rtr" nft list table inet mud_thermostat)" || { echo "FAIL: DNS set not filled"; exit 1; }
check allow "$dev" tcp 10.77.2.80 443 -- "cloud by DNS name, TCP 443, device initiates"
check allow "$dev" udp 10.77.2.53 53 -- "DNS controller UDP 53"
check allow "$dev" udp 10.77.2.123 123 -- "NTP controller UDP 123"
check allow "$dev" udp 10.77.2.5 5684 -- "my-controller UDP 5684"
check allow "$dev" tcp 10.77.2.70 7000 -- "same-manufacturer TCP 7000"
check allow "$srv" tcp 10.77.1.10 8080 10.77.2.100 -- "local network initiates to device TCP 8080"
check deny "$dev" tcp 10.77.2.80 80 -- "cloud on a port not allowed"
check deny "$dev" tcp 10.77.2.99 443 -- "an address that is not the cloud name's"
check deny "$dev" udp 10.77.2.53 54 -- "DNS controller on another port"
check deny "$dev" udp 10.77.2.99 53 -- "UDP 53 to a server that is not the DNS controller"
check deny "$dev" tcp 10.77.2.70 7001 -- "same-manufacturer on another port"
check deny "$srv" tcp 10.77.1.10 8080 10.77.2.90 -- "TCP 8080 from outside the local networks"
check deny "$srv" tcp 10.77.1.10 22 10.77.2.100 -- "local network to an unlisted device port"
# direction-initiated both ways: the right ports, the wrong initiator
check deny "$srv" tcp 10.77.1.10 5000 10.77.2.81 443 -- "cloud (from port 443) initiates to the device"
check deny "$dev" tcp 10.77.2.100 9000 10.77.1.11 8080 -- "device (from port 8080) initiates to the local network"

# quarantine, from the decommission record: DNS, NTP, firmware and registrar only
echo '{"event":"decommission","serial-number":"THERMO-0001","revoked":["5A"],"deny-list":"/tmp/deny","time":"2026-11-24T18:00:00Z"}' |
    "$mud" quarantine --site "$tmp/site.yaml" --record - --resolve -o "$tmp/quarantine.nft"
nsx "$rtr" nft -f "$tmp/quarantine.nft"
check allow "$dev" udp 10.77.2.53 53 -- "quarantine: DNS"
check allow "$dev" tcp 10.77.2.53 53 -- "quarantine: DNS over TCP"
check allow "$dev" udp 10.77.2.123 123 -- "quarantine: NTP"
check allow "$dev" tcp 10.77.2.80 443 -- "quarantine: firmware server"
check allow "$dev" tcp 10.77.2.90 8443 -- "quarantine: registrar"
check deny "$dev" udp 10.77.2.5 5684 -- "quarantine: my-controller no longer"
check deny "$dev" tcp 10.77.2.70 7000 -- "quarantine: same-manufacturer no longer"
check deny "$srv" tcp 10.77.1.10 8080 10.77.2.100 -- "quarantine: local network no longer"
check deny "$srv" tcp 10.77.1.10 5000 10.77.2.81 443 -- "quarantine: firmware server cannot initiate"

# release back to the MUD policy, then release entirely
"$mud" quarantine --site "$tmp/site.yaml" --device thermostat --release --resolve "$tmp/device.json" -o "$tmp/release.nft"
nsx "$rtr" nft -f "$tmp/release.nft"
check allow "$dev" tcp 10.77.2.70 7000 -- "released to MUD: same-manufacturer again"
check deny "$dev" tcp 10.77.2.90 8443 -- "released to MUD: registrar not in the MUD file"
"$mud" quarantine --site "$tmp/site.yaml" --device thermostat --release -o "$tmp/free.nft"
nsx "$rtr" nft -f "$tmp/free.nft"
nsx "$rtr" nft -f "$tmp/free.nft"  # idempotent
check allow "$dev" tcp 10.77.2.99 443 -- "table removed: unconfined"

# the same policy as iptables-restore input, where iptables is installed
if command -v iptables-restore >/dev/null; then
    "$mud" compile --target iptables --site "$tmp/site.yaml" --resolve "$tmp/device.json" -o "$tmp/policy.ipt"
    nsx "$rtr" iptables-restore --noflush "$tmp/policy.ipt"
    check allow "$dev" tcp 10.77.2.80 443 -- "iptables: cloud TCP 443"
    check allow "$dev" udp 10.77.2.53 53 -- "iptables: DNS controller"
    check allow "$srv" tcp 10.77.1.10 8080 10.77.2.100 -- "iptables: local network initiates to device TCP 8080"
    check deny "$dev" tcp 10.77.2.80 80 -- "iptables: cloud on a port not allowed"
    check deny "$srv" tcp 10.77.1.10 5000 10.77.2.81 443 -- "iptables: cloud (from port 443) initiates to the device"
else
    echo "note: iptables-restore is not installed; the iptables target is not enforced here"
fi

[[ $fails -eq 0 ]] || { echo "FAIL: $fails flow(s) wrong"; exit 1; }
echo "ok: all flows as the policy says"
