#!/bin/sh
# firmware-apply.sh: sample firmware apply script for a board set up as deploy/README.md says (firmware.applyCommand).
#
# Usage: firmware-apply.sh [--app-root DIR] [--version-file FILE] [--node-modules DIR] [--restart] PACKAGE
#   PACKAGE         the downloaded package (the runtime passes its path last): a gzip tarball of a built release, with
#                   package.json (its "version" is the new firmware version) and dist/ at the top
#                   (made with: tar -czf lwm2m-meter-<version>.tar.gz package.json dist)
#   --app-root      where releases are installed (default /var/lib/lwm2m-meter/app: the service may write only its
#                   state directory, the unit has ProtectSystem=strict); releases/<version>/ and the symlink current
#   --version-file  written with the new version once installed (default /var/lib/lwm2m-meter/firmware-version; set the
#                   same path as firmware.versionFile)
#   --node-modules  dependencies linked into a release that brings none (default /opt/lwm2m-meter/node_modules)
#   --restart       restart the unit afterwards (systemd-run --no-block, so the restart does not kill this script)
# Exit codes (docs/firmware.md "Writing an apply script"): 0 installed → /5/0/5 result 1; anything else → result 8
# (update failed, the old version keeps running): 2 usage, 3 not a valid package, 4 install failed.
set -eu

app_root=/var/lib/lwm2m-meter/app
version_file=/var/lib/lwm2m-meter/firmware-version
node_modules=/opt/lwm2m-meter/node_modules
restart=no
while [ $# -gt 1 ]; do
  case "$1" in
    --app-root) app_root=$2; shift 2 ;;
    --version-file) version_file=$2; shift 2 ;;
    --node-modules) node_modules=$2; shift 2 ;;
    --restart) restart=yes; shift ;;
    *) echo "firmware-apply: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -eq 1 ] || { echo "firmware-apply: usage: $0 [options] PACKAGE" >&2; exit 2; }
pkg=$1
[ -s "$pkg" ] || { echo "firmware-apply: no package at $pkg" >&2; exit 3; }

# 1. Verify: a whole gzip stream, a tar inside, no absolute or parent paths, the files a release needs.
gzip -t "$pkg" 2>/dev/null || { echo "firmware-apply: not a gzip file (or truncated)" >&2; exit 3; }
list=$(tar -tzf "$pkg") || { echo "firmware-apply: not a tar archive" >&2; exit 3; }
if printf '%s\n' "$list" | grep -Eq '^/|(^|/)\.\.(/|$)'; then echo "firmware-apply: absolute or .. paths in the package" >&2; exit 3; fi
for need in package.json dist/src/cli/main.js; do
  printf '%s\n' "$list" | sed 's#^\./##' | grep -qx "$need" || { echo "firmware-apply: the package has no $need" >&2; exit 3; }
done

# 2. Unpack into a staging folder next to the releases (same file system: the final rename is atomic).
mkdir -p "$app_root/releases" || exit 4
stage=$(mktemp -d "$app_root/releases/.staging.XXXXXX") || exit 4
trap 'rm -rf "$stage"' EXIT
tar -xzf "$pkg" -C "$stage" --no-same-owner || { echo "firmware-apply: unpacking failed" >&2; exit 4; }
version=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version ?? ""))' "$stage/package.json") \
  || { echo "firmware-apply: package.json is not JSON" >&2; exit 3; }
printf '%s' "$version" | grep -Eq '^[0-9A-Za-z][0-9A-Za-z.+-]*$' || { echo "firmware-apply: bad version \"$version\" in package.json" >&2; exit 3; }
[ -e "$stage/node_modules" ] || ln -s "$node_modules" "$stage/node_modules"

# 3. The new build must at least start.
node "$stage/dist/src/cli/main.js" help >/dev/null || { echo "firmware-apply: the new build does not start" >&2; exit 4; }

# 4. Install: releases/<version>, then current → it (a symlink swapped by rename), then the version file.
rm -rf "$app_root/releases/$version"
mv "$stage" "$app_root/releases/$version" || exit 4
trap - EXIT
ln -sfn "releases/$version" "$app_root/current.new" && mv -T "$app_root/current.new" "$app_root/current" || exit 4
printf '%s\n' "$version" > "$version_file.tmp" && mv "$version_file.tmp" "$version_file" || exit 4
echo "firmware-apply: installed $version in $app_root/releases/$version"

if [ "$restart" = yes ]; then
  systemd-run --no-block systemctl restart lwm2m-meter || echo "firmware-apply: restart the unit yourself (systemctl restart lwm2m-meter)" >&2
fi
exit 0
