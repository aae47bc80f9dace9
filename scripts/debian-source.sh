# Sourced by the scripts that build from Debian source packages (libzmq-suite.sh, czmq-suite.sh,
# libzmq-wss.sh, bench/c_abi.sh): `debian_source PACKAGE DIR` unpacks PACKAGE's source into DIR with
# `apt-get source`, first adding a deb-src entry for the machine's Debian suite if apt has
# none. Expects SUDO set ("" as root, "sudo" otherwise).
debian_source() {
    local package=$1 dir=$2
    if ! apt-get source --print-uris "$package" >/dev/null 2>&1; then
        echo "debian-source.sh: adding deb-src for Debian's suites to fetch $package's source" >&2
        local codename
        codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$codename" | $SUDO tee /etc/apt/sources.list.d/ferrozmq-deb-src.sources >/dev/null
        $SUDO apt-get update -qq
    fi
    (cd "$dir" && apt-get source -qq "$package" >/dev/null)
}

# `debian_source_at PACKAGE DEST`: PACKAGE's unpacked source tree at DEST, fetched (with
# debian_source) only if DEST does not exist yet.
debian_source_at() {
    local package=$1 dest=$2
    [ -d "$dest" ] && return 0
    local fetch=$dest.fetch
    rm -rf "$fetch" && mkdir -p "$fetch"
    debian_source "$package" "$fetch"
    mv "$fetch/$package"-*/ "$dest"
    rm -rf "$fetch"
}
