#!/usr/bin/env bash
# Installs Debian's slurm-wlm (slurmctld, slurmd, the client commands) and munge if missing, without letting their
# packages start services: the cluster test starts its own daemons in a temporary folder, and nothing may stay running.
set -euo pipefail
PACKAGES=(slurm-wlm munge)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ "${#missing[@]}" = 0 ] && exit 0
echo "installing: ${missing[*]}"
# invoke-rc.d asks policy-rc.d whether a package may start its service; 101 means no. Put one in place only if the
# machine has none (container images usually do), and remove it afterwards.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    trap '$SUDO rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" > /dev/null
    $SUDO chmod 755 "$policy"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" > /dev/null
