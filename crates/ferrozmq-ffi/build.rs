//! Gives the shared library libzmq's soname, so programs linked against Debian's libzmq.so.5
//! load ours unchanged.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmq.so.5");
    println!("cargo:rerun-if-changed=build.rs");
}
