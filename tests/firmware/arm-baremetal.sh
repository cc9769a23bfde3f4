# arm-baremetal.sh — sourced by the build.sh of the bare-metal SAMD21 programs (samd21/,
# samd21-usb/): Debian's arm-none-eabi-gcc, no C library, one call per image.
# Needs (Debian): gcc-arm-none-eabi binutils-arm-none-eabi
cc=arm-none-eabi-gcc
strip=arm-none-eabi-strip
if ! command -v "$cc" >/dev/null; then
    echo "build.sh: $cc not found (apt-get install gcc-arm-none-eabi)" >&2
    exit 1
fi
cflags=(-mcpu=cortex-m0plus -mthumb -Os -std=gnu11 -Wall -Wextra -Werror
        -ffreestanding -nostdlib -ffunction-sections -fdata-sections)
ldflags=(-Wl,--gc-sections -Wl,-z,max-page-size=16 -Wl,--no-warn-rwx-segments -lgcc)

# link_elf NAME ARGS...: compiles and links ARGS (sources, -D/-I flags, -T script) into NAME.elf
# in the current directory, keeping the symbol table (tests read and patch symbols) without
# debug info; the full image and the map go to build/.
link_elf() {
    local name="$1"; shift
    mkdir -p build
    "$cc" "${cflags[@]}" "$@" "${ldflags[@]}" -Wl,-Map="build/$name.map" -o "build/$name.full.elf"
    "$strip" --strip-debug -o "$name.elf" "build/$name.full.elf"
    printf '  %-24s %7d bytes\n' "$name.elf" "$(stat -c %s "$name.elf")"
}
