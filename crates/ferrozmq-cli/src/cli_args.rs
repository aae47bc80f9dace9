//! Argument parsing for the shell subcommands (`cat`, `proxy`, `monitor`,
//! `keygen`): `-x VALUE`, `--long VALUE`, `--long=VALUE` and positionals, read
//! with `lexopt`, and the two ways a subcommand fails (bad arguments: exit 2;
//! a failed run: exit 1), each reported as one line on stderr.
//!
//! An option's value is always the next argument, even when it begins with
//! `-` (a Z85 key or a negative number can), so values never need quoting
//! tricks. Short options are not clustered: `-bc` is an unknown option, not
//! `-b -c` nor `-b c`.

use std::ffi::OsString;
use std::process::ExitCode;
use std::str::FromStr;

/// How a subcommand failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// Bad arguments: exit status 2.
    Usage(String),
    /// The run failed (bind refused, peer gone, timeout…): exit status 1.
    Run(String),
}

impl Failure {
    /// Prints `ferrozmq <cmd>: <what>` on stderr and gives the exit status.
    pub fn report(&self, cmd: &str) -> ExitCode {
        match self {
            Failure::Usage(what) => {
                eprintln!("ferrozmq {cmd}: {what} (try ferrozmq {cmd} --help)");
                ExitCode::from(2)
            }
            Failure::Run(what) => {
                eprintln!("ferrozmq {cmd}: {what}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Shorthand for a usage failure.
pub fn usage<T>(what: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Usage(what.into()))
}

/// One command-line item.
#[derive(Debug, PartialEq, Eq)]
pub enum Arg {
    /// `-x`
    Short(char),
    /// `--name` (or `--name=value`, whose value [`ArgParser::value`] takes).
    Long(String),
    /// A positional argument (everything after `--` is one too).
    Positional(String),
}

impl Arg {
    /// How the user wrote the option, for messages.
    pub fn spelling(&self) -> String {
        match self {
            Arg::Short(c) => format!("-{c}"),
            Arg::Long(name) => format!("--{name}"),
            Arg::Positional(text) => format!("'{text}'"),
        }
    }

    /// Whether this is `-h` or `--help`.
    pub fn is_help(&self) -> bool {
        matches!(self, Arg::Short('h')) || matches!(self, Arg::Long(n) if n == "help")
    }
}

/// Reads a subcommand's arguments one item at a time.
pub struct ArgParser {
    parser: lexopt::Parser,
    /// The last option returned, for messages about its value.
    last: String,
}

/// What `lexopt` returned, owned, so the parser can be asked again at once.
enum Item {
    Short(char),
    Long(String),
    Value(OsString),
}

/// A command-line string (our arguments come in as `String`s, so always text).
fn text(value: OsString) -> String {
    value.to_string_lossy().into_owned()
}

impl ArgParser {
    /// A parser over the arguments that follow the subcommand name.
    pub fn new(args: &[String]) -> ArgParser {
        let mut parser = lexopt::Parser::from_args(args.iter().cloned());
        // `-b=5` is an unknown option, as `-b5` is, not `-b` with value 5.
        parser.set_short_equals(false);
        ArgParser {
            parser,
            last: String::new(),
        }
    }

    /// The next item, or `None` at the end. An unused `--name=value` value
    /// is an error (the option takes none).
    pub fn next_arg(&mut self) -> Result<Option<Arg>, Failure> {
        let next = self.parser.next().map(|arg| {
            arg.map(|arg| match arg {
                lexopt::Arg::Short(c) => Item::Short(c),
                lexopt::Arg::Long(name) => Item::Long(name.to_string()),
                lexopt::Arg::Value(value) => Item::Value(value),
            })
        });
        let item = match next {
            Ok(None) => return Ok(None),
            Ok(Some(Item::Value(value))) => return Ok(Some(Arg::Positional(text(value)))),
            Ok(Some(Item::Long(name))) => Arg::Long(name),
            Ok(Some(Item::Short(c))) => {
                if let Some(rest) = self.parser.optional_value() {
                    return usage(format!("unknown option '-{c}{}'", text(rest)));
                }
                Arg::Short(c)
            }
            Err(lexopt::Error::UnexpectedValue { .. }) => {
                return usage(format!("{} takes no value", self.last))
            }
            Err(other) => return usage(other.to_string()),
        };
        self.last = item.spelling();
        Ok(Some(item))
    }

    /// The value of the option just returned: its `=value`, or else the
    /// next argument whatever it begins with.
    pub fn value(&mut self) -> Result<String, Failure> {
        match self.parser.value() {
            Ok(value) => Ok(text(value)),
            Err(_) => usage(format!("{} needs a value", self.last)),
        }
    }

    /// The option's value parsed as a number no smaller than `min`.
    pub fn number<T>(&mut self, min: T) -> Result<T, Failure>
    where
        T: FromStr + PartialOrd + std::fmt::Display,
    {
        let text = self.value()?;
        match text.parse::<T>() {
            Ok(n) if n >= min => Ok(n),
            _ => usage(format!(
                "{} wants a whole number of at least {min}, not '{text}'",
                self.last
            )),
        }
    }
}

/// The error for an option a subcommand does not know.
pub fn unknown(arg: &Arg) -> Failure {
    match arg {
        Arg::Positional(text) => Failure::Usage(format!("unexpected argument '{text}'")),
        other => Failure::Usage(format!("unknown option {}", other.spelling())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(a: &[&str]) -> ArgParser {
        ArgParser::new(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn reads_options_values_and_positionals() {
        let mut p = parser(&["pub", "-b", "-x", "--linger=5", "--count", "3", "--", "-n"]);
        assert_eq!(p.next_arg(), Ok(Some(Arg::Positional("pub".into()))));
        assert_eq!(p.next_arg(), Ok(Some(Arg::Short('b'))));
        assert_eq!(p.value(), Ok("-x".into()), "values may begin with '-'");
        assert_eq!(p.next_arg(), Ok(Some(Arg::Long("linger".into()))));
        assert_eq!(p.number(-1i32), Ok(5));
        assert_eq!(p.next_arg(), Ok(Some(Arg::Long("count".into()))));
        assert_eq!(p.number(0u64), Ok(3));
        assert_eq!(p.next_arg(), Ok(Some(Arg::Positional("-n".into()))));
        assert_eq!(p.next_arg(), Ok(None));
    }

    #[test]
    fn bad_forms_are_usage_errors() {
        let mut p = parser(&["--flag=1", "x"]);
        p.next_arg().unwrap();
        assert!(
            matches!(p.next_arg(), Err(Failure::Usage(m)) if m.contains("--flag takes no value"))
        );
        assert!(matches!(
            parser(&["-bc"]).next_arg(),
            Err(Failure::Usage(m)) if m == "unknown option '-bc'"
        ));
        assert!(matches!(
            parser(&["-b=5"]).next_arg(),
            Err(Failure::Usage(m)) if m == "unknown option '-b=5'"
        ));
        let mut p = parser(&["--count"]);
        p.next_arg().unwrap();
        assert!(matches!(p.value(), Err(Failure::Usage(m)) if m == "--count needs a value"));
        let mut p = parser(&["-n", "-3"]);
        p.next_arg().unwrap();
        assert!(matches!(p.number(0u64), Err(Failure::Usage(m)) if m.contains("'-3'")));
    }
}
