#!/usr/bin/env bash
# Creates the RSA key pair the suite signs and verifies JWTs with, unless it already exists.
#   loyalty-jwt-keys [--force] [DIR]     DIR defaults to /keys
# Writes DIR/jwt-private.pem (2048-bit RSA, mode 600) and DIR/jwt-public.pem (mode 644).
# --force replaces an existing pair (key rotation: every token signed with the old key stops working).
set -euo pipefail

force=0
if [[ "${1:-}" == "--force" ]]; then
    force=1
    shift
fi
dir="${1:-/keys}"
private="$dir/jwt-private.pem"
public="$dir/jwt-public.pem"

mkdir -p "$dir"
if [[ "$force" == 0 && -s "$private" && -s "$public" ]]; then
    echo "JWT key pair already present in $dir"
    exit 0
fi
if [[ "$force" == 0 && -s "$private" ]]; then
    echo "deriving $public from the existing private key"
else
    echo "generating a new 2048-bit RSA key pair in $dir"
    (umask 077 && openssl genrsa -out "$private.tmp" 2048 2>/dev/null)
    openssl rsa -in "$private.tmp" -pubout -out "$public.tmp" 2>/dev/null
    chmod 644 "$public.tmp"
    mv -f "$private.tmp" "$private"
    mv -f "$public.tmp" "$public"
    exit 0
fi
openssl rsa -in "$private" -pubout -out "$public.tmp" 2>/dev/null
chmod 644 "$public.tmp"
mv -f "$public.tmp" "$public"
