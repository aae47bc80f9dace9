//! `ferrozmq keygen`: a new CURVE key pair, printed in Z85 (as libzmq's `curve_keygen`) or
//! saved as a CZMQ certificate pair (`zcert` files, which CZMQ, `ferrozmq::auth` and
//! `cat --curve-allow` read).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ferrozmq::auth::Certificate;

use crate::cli_args::{unknown, Arg, ArgParser, Failure};

/// `ferrozmq keygen --help`.
pub const HELP: &str = "\
usage: ferrozmq keygen [--out DIR/NAME [--force]]

Makes a new CURVE key pair and prints it on stdout as two lines:
  public: <40 characters of Z85>
  secret: <40 characters of Z85>
for --curve-publickey/--curve-serverkey and --curve-secretkey, e.g.
  ferrozmq keygen | sed -n 's/^public: //p'

options:
  --out DIR/NAME   save the pair as a certificate instead: DIR/NAME holds the
                   public key, DIR/NAME_secret both keys (mode 0600). DIR is
                   created if missing. Only the public line is printed; the
                   paths go to stderr. Put public certificates of clients in a
                   directory for `cat --curve-server --curve-allow DIR`.
  --force          overwrite existing certificate files
";

/// Everything `keygen` was told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeygenOptions {
    /// `--out`: where to save the certificate.
    pub out: Option<PathBuf>,
    /// `--force`: overwrite existing files.
    pub force: bool,
}

impl KeygenOptions {
    /// Parses the arguments after `keygen`; `Ok(None)` means `--help`.
    pub fn parse(args: &[String]) -> Result<Option<KeygenOptions>, Failure> {
        let mut p = ArgParser::new(args);
        let mut o = KeygenOptions::default();
        while let Some(arg) = p.next_arg()? {
            if arg.is_help() {
                return Ok(None);
            }
            match &arg {
                Arg::Long(name) if name == "out" => {
                    let out = p.value()?;
                    if out.is_empty() || out.ends_with('/') {
                        return Err(Failure::Usage(format!(
                            "--out wants DIR/NAME, a file name, not '{out}'"
                        )));
                    }
                    o.out = Some(out.into());
                }
                Arg::Long(name) if name == "force" => o.force = true,
                _ => return Err(unknown(&arg)),
            }
        }
        if o.force && o.out.is_none() {
            return Err(Failure::Usage("--force is for --out".into()));
        }
        Ok(Some(o))
    }
}

/// Runs `ferrozmq keygen` with the arguments after `keygen`.
pub fn main(args: &[String]) -> ExitCode {
    let result = match KeygenOptions::parse(args) {
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Some(opts)) => run(&opts),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report("keygen"),
    }
}

fn run(o: &KeygenOptions) -> Result<(), Failure> {
    let cert =
        Certificate::new().map_err(|e| Failure::Run(format!("cannot make a key pair: {e}")))?;
    match &o.out {
        None => {
            println!("public: {}", cert.public_txt());
            println!("secret: {}", cert.secret_txt());
        }
        Some(path) => {
            let secret = save(&cert, path, o.force)?;
            println!("public: {}", cert.public_txt());
            eprintln!("ferrozmq keygen: public certificate {}", path.display());
            eprintln!("ferrozmq keygen: secret certificate {}", secret.display());
        }
    }
    Ok(())
}

/// Saves `cert` as `path` and `path_secret` (creating the directory), refusing to replace
/// either file unless `force`; gives the secret file's path.
fn save(cert: &Certificate, path: &Path, force: bool) -> Result<PathBuf, Failure> {
    let mut secret = path.as_os_str().to_owned();
    secret.push("_secret");
    let secret = PathBuf::from(secret);
    if !force {
        if let Some(existing) = [path, &secret].into_iter().find(|p| p.exists()) {
            return Err(Failure::Run(format!(
                "{} exists (--force replaces it)",
                existing.display()
            )));
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .map_err(|e| Failure::Run(format!("cannot create {}: {e}", dir.display())))?;
    }
    cert.save(path)
        .map_err(|e| Failure::Run(format!("cannot save {}: {e}", path.display())))?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<KeygenOptions>, Failure> {
        KeygenOptions::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_out_and_force() {
        assert_eq!(parse(&[]), Ok(Some(KeygenOptions::default())));
        let o = parse(&["--out", "certs/server", "--force"])
            .unwrap()
            .unwrap();
        assert_eq!(o.out, Some(PathBuf::from("certs/server")));
        assert!(o.force);
        assert_eq!(parse(&["-h"]), Ok(None));
        for bad in [
            &["--force"][..],
            &["--out"],
            &["--out", "dir/"],
            &["--out", ""],
            &["extra"],
        ] {
            assert!(matches!(parse(bad), Err(Failure::Usage(_))), "{bad:?}");
        }
    }
}
