#!/bin/sh
# Prints "package=version", one a line, for every Debian package that provides a shared library
# the given executables load (as ldd resolves them). Used by the Dockerfile's build stage to decide
# what the runtime stage installs; fails if a library is missing or belongs to no package (a
# library built from source would not reach the runtime image).
#
#   runtime-packages.sh /out/bin/* > runtime-packages.txt
set -eu

[ "$#" -gt 0 ] || { echo "usage: runtime-packages.sh EXECUTABLE..." >&2; exit 2; }

libraries=$(mktemp)
packages=$(mktemp)
trap 'rm -f "$libraries" "$packages"' EXIT

for executable in "$@"; do
  if ldd "$executable" | grep -q 'not found'; then
    echo "runtime-packages: $executable: $(ldd "$executable" | grep 'not found')" >&2
    exit 1
  fi
  # "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)" and the loader's own line.
  ldd "$executable" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u > "$libraries"

while read -r library; do
  # Debian 12 merges /lib into /usr/lib; dpkg records whichever path the package shipped.
  resolved=$(readlink -f "$library")
  package=""
  for candidate in "$library" "$resolved" "/usr$library" "/usr$resolved" "${library#/usr}" \
                   "${resolved#/usr}"; do
    package=$(dpkg-query -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) || true
    [ -n "$package" ] && break
  done
  if [ -z "$package" ]; then
    echo "runtime-packages: no Debian package owns $library" >&2
    exit 1
  fi
  echo "$package" >> "$packages"
done < "$libraries"

sort -u "$packages" | while read -r package; do
  echo "$package=$(dpkg-query -W -f='${Version}' "$package")"
done
