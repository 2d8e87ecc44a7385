#!/bin/sh
# musl-toolchain/sstrip.sh FILE: drops the section headers (and what only
# they point to) from a static ELF64 little-endian executable, as
# ELFkickers' sstrip does. The kernel loads programs by their program
# headers; the sections (830 bytes in mocker-init) are for linkers and
# debuggers, and the init is copied into every image.
set -eu
f=$1
num() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' '; }
[ "$(od -An -c -N 4 "$f" | tr -d ' ')" = '177ELF' ] || { echo "sstrip: $f: not ELF" >&2; exit 1; }
if [ "$(num 4 1)" != 2 ] || [ "$(num 5 1)" != 1 ]; then
	echo "sstrip: $f: not ELF64 little-endian" >&2
	exit 1
fi
phoff=$(num 32 8) phentsize=$(num 54 2) phnum=$(num 56 2)
end=$((phoff + phentsize * phnum)) i=0
while [ "$i" -lt "$phnum" ]; do
	at=$((phoff + i * phentsize))
	e=$(($(num $((at + 8)) 8) + $(num $((at + 32)) 8)))
	[ "$e" -le "$end" ] || end=$e
	i=$((i + 1))
done
# e_shoff (8 bytes at 40), e_shnum and e_shstrndx (2 each at 60, 62)
dd if=/dev/zero of="$f" bs=1 seek=40 count=8 conv=notrunc status=none
dd if=/dev/zero of="$f" bs=1 seek=60 count=4 conv=notrunc status=none
truncate -s "$end" "$f"
