//! Argument parsing for the shell subcommands (`cat`, `proxy`, `monitor`): a
//! small lexopt-style reader of `-x VALUE`, `--long VALUE`, `--long=VALUE` and
//! positionals, and the two ways a subcommand fails (bad arguments: exit 2;
//! a failed run: exit 1), each reported as one line on stderr.
//!
//! An option's value is always the next argument, even when it begins with
//! `-` (a Z85 key or a negative number can), so values never need quoting
//! tricks.

use std::collections::VecDeque;
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
    args: VecDeque<String>,
    /// The value of a `--name=value` just returned, not yet taken.
    inline: Option<String>,
    /// The last option returned, for messages about its value.
    last: String,
    /// Set after `--`: the rest are positionals.
    only_positionals: bool,
}

impl ArgParser {
    /// A parser over the arguments that follow the subcommand name.
    pub fn new(args: &[String]) -> ArgParser {
        ArgParser {
            args: args.iter().cloned().collect(),
            inline: None,
            last: String::new(),
            only_positionals: false,
        }
    }

    /// The next item, or `None` at the end. An unused `--name=value` value
    /// is an error (the option takes none).
    pub fn next_arg(&mut self) -> Result<Option<Arg>, Failure> {
        if self.inline.take().is_some() {
            return usage(format!("{} takes no value", self.last));
        }
        let Some(arg) = self.args.pop_front() else {
            return Ok(None);
        };
        if self.only_positionals || arg == "-" || !arg.starts_with('-') {
            return Ok(Some(Arg::Positional(arg)));
        }
        if arg == "--" {
            self.only_positionals = true;
            return self.next_arg();
        }
        let item = if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (long, None),
            };
            self.inline = value;
            Arg::Long(name.to_string())
        } else {
            let mut chars = arg[1..].chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Arg::Short(c),
                _ => return usage(format!("unknown option '{arg}'")),
            }
        };
        self.last = item.spelling();
        Ok(Some(item))
    }

    /// The value of the option just returned: its `=value`, or else the
    /// next argument whatever it begins with.
    pub fn value(&mut self) -> Result<String, Failure> {
        if let Some(value) = self.inline.take() {
            return Ok(value);
        }
        match self.args.pop_front() {
            Some(value) => Ok(value),
            None => usage(format!("{} needs a value", self.last)),
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
            Err(Failure::Usage(_))
        ));
        let mut p = parser(&["--count"]);
        p.next_arg().unwrap();
        assert!(matches!(p.value(), Err(Failure::Usage(m)) if m == "--count needs a value"));
        let mut p = parser(&["-n", "-3"]);
        p.next_arg().unwrap();
        assert!(matches!(p.number(0u64), Err(Failure::Usage(m)) if m.contains("'-3'")));
    }
}
