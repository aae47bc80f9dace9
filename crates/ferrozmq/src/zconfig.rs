//! ZPL configuration trees (ZeroMQ RFC 4, `rfc.zeromq.org/spec:4/ZPL`) as CZMQ's `zconfig`
//! reads and writes them: named nodes with values and children, written one per line as
//! `name = "value"` indented four spaces per level, with `#` comment lines at the top (the
//! tree's) and above any node (that node's). Certificate
//! files ([`crate::auth::Certificate`]) are ZPL; so are the guide's FileMQ and Zyre configs.
//!
//! ```
//! use ferrozmq::zconfig::Config;
//! let mut config = Config::parse(b"server\n    timeout = 1000   # ms\n")?;
//! assert_eq!(config.get("server/timeout"), Some("1000"));
//! config.set("/server/verbose", "1")?;
//! assert_eq!(
//!     config.to_zpl()?,
//!     "server\n    timeout = \"1000\"\n    verbose = \"1\"\n"
//! );
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! Reading never panics and never trusts the text: any syntax error refuses the whole of it
//! (EINVAL), as `zconfig_load` does, and nesting is limited to [`MAX_DEPTH`] levels.
//!
//! Comments are kept per node, as `zconfig_set_comment` keeps them, and written as
//! `zconfig_save` writes them: each comment as a `#comment` line at the start of the line,
//! then a blank line, then the node. Reading gives the first block of comment lines at the top
//! of the text to the tree ([`Config::comments`]) and every later block to the node under it
//! ([`Node::comments`]); comments after the last node go to the tree. (CZMQ's reader gives
//! every comment line to the root.) So a tree reads back as it was written, except that the
//! comments of the first node of a tree that has none of its own read back as the tree's: the
//! text is the same either way. Only `#` in the first column starts a comment line, as in
//! CZMQ; an indented one is skipped.

use std::path::Path;

use crate::{Error, Result};

/// The deepest nesting accepted (certificates use 2; CZMQ has no limit, but a limit keeps
/// recursion bounded on hostile input).
pub const MAX_DEPTH: usize = 16;

/// One named node of a ZPL tree (CZMQ `zconfig_t` below the root): its value and children.
/// Names and values are checked when the tree is written ([`Config::to_zpl`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// The name (ZPL name characters: letters, digits and `$-_@.&+/`, `/` not first or last;
    /// CZMQ `zconfig_name`).
    pub name: String,
    /// The value (CZMQ `zconfig_value`); empty for a section, which is written as a bare
    /// name, and which a bare name reads back as (CZMQ reads it as `""` too).
    pub value: String,
    /// The nodes indented under this one (CZMQ `zconfig_child` and its `zconfig_next`s).
    pub children: Vec<Node>,
    /// Comment lines written above this node, without their `#` (CZMQ `zconfig_comments`;
    /// push onto it for `zconfig_set_comment`, clear it for `zconfig_set_comment (self,
    /// NULL)`).
    pub comments: Vec<String>,
}

impl Node {
    /// A section: a name with children and no value.
    pub fn section(name: &str, children: Vec<Node>) -> Node {
        Node {
            name: name.to_string(),
            value: String::new(),
            children,
            comments: Vec::new(),
        }
    }

    /// A `name = "value"` leaf (CZMQ `zconfig_new` + `zconfig_set_value`).
    pub fn leaf(name: &str, value: &str) -> Node {
        Node {
            name: name.to_string(),
            value: value.to_string(),
            children: Vec::new(),
            comments: Vec::new(),
        }
    }
}

/// A whole ZPL tree (CZMQ's root `zconfig_t`): its comment lines and its top-level nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The tree's comment lines, written at the top, without their `#` (CZMQ
    /// `zconfig_comments`, `zconfig_set_comment` on the root).
    pub comments: Vec<String>,
    /// Top-level nodes.
    pub nodes: Vec<Node>,
}

impl Config {
    /// An empty tree (CZMQ `zconfig_new ("root", NULL)`).
    pub fn new() -> Config {
        Config::default()
    }

    /// Parses ZPL text (CZMQ `zconfig_str_load`, `zconfig_chunk_load`). EINVAL on bad
    /// indentation, names or quoting, on text after a value, on text that is not UTF-8, and
    /// on nesting deeper than [`MAX_DEPTH`].
    pub fn parse(text: impl AsRef<[u8]>) -> Result<Config> {
        parse(text.as_ref())
    }

    /// Reads and parses a file (CZMQ `zconfig_load`); I/O errors keep their errno.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        parse(&std::fs::read(path)?)
    }

    /// The tree in ZPL (CZMQ `zconfig_str_save`): each comment of the tree as `#comment`, a
    /// blank line after the comments, then every node indented four spaces per level (its
    /// comments likewise above it, unindented), its value in
    /// double quotes (single quotes if it holds a `"`), a section as its bare name. EINVAL if a
    /// name is not a ZPL name, a value holds a line break, a NUL or both kinds of quote, a
    /// comment holds a line break, or the tree is deeper than [`MAX_DEPTH`]: what could not
    /// be read back unchanged.
    pub fn to_zpl(&self) -> Result<String> {
        write(self)
    }

    /// Writes [`to_zpl`](Config::to_zpl)'s text to a file, replacing it (CZMQ `zconfig_save`).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let text = self.to_zpl()?;
        std::fs::write(path, text)?;
        Ok(())
    }

    /// The first node at `path`: names separated by `/`, a leading `/` allowed, as
    /// `"curve/public-key"` (CZMQ `zconfig_locate`).
    pub fn locate(&self, path: &str) -> Option<&Node> {
        let mut names = path_names(path);
        let first = names.next()?;
        let mut node = self.nodes.iter().find(|n| n.name == first)?;
        for name in names {
            node = node.children.iter().find(|n| n.name == name)?;
        }
        Some(node)
    }

    /// The value at `path`, if there is a node there (CZMQ `zconfig_get` without a default).
    pub fn get(&self, path: &str) -> Option<&str> {
        Some(self.locate(path)?.value.as_str())
    }

    /// Sets the value at `path`, creating the node and any missing parents at the end of
    /// their lists (CZMQ `zconfig_put`). EINVAL for an empty path, a name that is not a ZPL
    /// name, or a value [`to_zpl`](Config::to_zpl) could not write.
    pub fn set(&mut self, path: &str, value: &str) -> Result<()> {
        let names: Vec<&str> = path_names(path).collect();
        let Some((last, parents)) = names.split_last() else {
            return Err(Error::EINVAL);
        };
        if !is_writable_value(value) || !names.iter().all(|n| is_valid_name(n)) {
            return Err(Error::EINVAL);
        }
        let mut list = &mut self.nodes;
        for name in parents {
            list = &mut child_named(list, name).children;
        }
        child_named(list, last).value = value.to_string();
        Ok(())
    }
}

/// The first node of `list` called `name`, appended as an empty section if there is none.
fn child_named<'a>(list: &'a mut Vec<Node>, name: &str) -> &'a mut Node {
    match list.iter().position(|n| n.name == name) {
        Some(at) => &mut list[at],
        None => {
            list.push(Node::section(name, Vec::new()));
            list.last_mut().expect("just pushed")
        }
    }
}

/// The names of a `/`-separated path, empty ones (a leading `/`) skipped.
fn path_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|n| !n.is_empty())
}

/// Whether `byte` is a space by C's `isspace` (ZPL trims these).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whether `byte` may appear in a ZPL name (CZMQ's `s_is_namechar`).
fn is_name_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(byte, b'$' | b'-' | b'_' | b'@' | b'.' | b'&' | b'+' | b'/')
}

/// Whether `name` is a valid ZPL item name: name characters, not starting or ending in `/`.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(is_name_char)
        && !name.starts_with('/')
        && !name.ends_with('/')
}

/// Whether [`Config::to_zpl`] can store `value` so that [`Config::parse`] reads it back unchanged: no line
/// breaks or NULs, and not both kinds of quote.
pub(crate) fn is_writable_value(value: &str) -> bool {
    let both_quotes = value.contains('"') && value.contains('\'');
    !both_quotes && !value.contains(['\n', '\r', '\0'])
}

/// [`Config::parse`].
fn parse(text: &[u8]) -> Result<Config> {
    let mut doc = Config::default();
    // Comment lines read since the last node, for the next one.
    let mut pending: Vec<String> = Vec::new();
    // Whether a blank line ended the top block of comments (the tree's) before any node.
    let mut top_block_ended = false;
    for raw_line in text.split(|&b| b == b'\n') {
        let end = raw_line
            .iter()
            .rposition(|&b| !is_space(b))
            .map_or(0, |at| at + 1);
        let line = &raw_line[..end];
        if let Some(comment) = line.strip_prefix(b"#") {
            let comment = utf8(comment)?.to_string();
            if doc.nodes.is_empty() && !top_block_ended {
                doc.comments.push(comment);
            } else {
                pending.push(comment);
            }
            continue;
        }
        if line.is_empty() {
            top_block_ended |= !doc.comments.is_empty();
            continue;
        }
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        if indent % 4 != 0 {
            return Err(Error::EINVAL);
        }
        let level = indent / 4;
        let rest = &line[indent..];
        let name_len = rest.iter().take_while(|&&b| is_name_char(b)).count();
        let (name, rest) = rest.split_at(name_len);
        if name.is_empty() {
            check_line_end(rest)?;
            continue;
        }
        let name = utf8(name)?;
        if !is_valid_name(name) || level >= MAX_DEPTH {
            return Err(Error::EINVAL);
        }
        let value = parse_value(rest)?;
        let parent = parent_at(&mut doc.nodes, level).ok_or(Error::EINVAL)?;
        parent.push(Node {
            name: name.to_string(),
            value,
            children: Vec::new(),
            comments: std::mem::take(&mut pending),
        });
    }
    doc.comments.append(&mut pending);
    Ok(doc)
}

/// The children list new items at `level` go into: the top level for 0, else the children of
/// the last item one level up (none: an indentation error).
fn parent_at(items: &mut Vec<Node>, level: usize) -> Option<&mut Vec<Node>> {
    let mut list = items;
    for _ in 0..level {
        list = &mut list.last_mut()?.children;
    }
    Some(list)
}

/// The value after a name: `= "quoted"`, `= 'quoted'`, `= bare up to a # comment`, or
/// nothing (an empty value).
fn parse_value(rest: &[u8]) -> Result<String> {
    let rest = trim_start(rest);
    let Some(after_equals) = rest.strip_prefix(b"=") else {
        check_line_end(rest)?;
        return Ok(String::new());
    };
    let rest = trim_start(after_equals);
    match rest.first() {
        Some(&quote @ (b'"' | b'\'')) => {
            let body = &rest[1..];
            let close = body.iter().position(|&b| b == quote).ok_or(Error::EINVAL)?;
            check_line_end(&body[close + 1..])?;
            Ok(utf8(&body[..close])?.to_string())
        }
        _ => {
            let bare = match rest.iter().position(|&b| b == b'#') {
                Some(comment) => &rest[..comment],
                None => rest,
            };
            let end = bare
                .iter()
                .rposition(|&b| !is_space(b))
                .map_or(0, |at| at + 1);
            Ok(utf8(&bare[..end])?.to_string())
        }
    }
}

/// Accepts only spaces, optionally followed by a `#` comment.
fn check_line_end(rest: &[u8]) -> Result<()> {
    match trim_start(rest).first() {
        None | Some(b'#') => Ok(()),
        Some(_) => Err(Error::EINVAL),
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().take_while(|&&b| is_space(b)).count();
    &bytes[start..]
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| Error::EINVAL)
}

/// [`Config::to_zpl`].
fn write(doc: &Config) -> Result<String> {
    let mut out = String::new();
    write_comments(&doc.comments, &mut out)?;
    write_items(&doc.nodes, 0, &mut out)?;
    Ok(out)
}

/// `comments` as `#comment` lines and a blank line after them (nothing if there are none),
/// as `zconfig_save` writes a node's comments. EINVAL if one holds a line break.
fn write_comments(comments: &[String], out: &mut String) -> Result<()> {
    for comment in comments {
        if comment.contains(['\n', '\r']) {
            return Err(Error::EINVAL);
        }
        out.push('#');
        out.push_str(comment);
        out.push('\n');
    }
    if !comments.is_empty() {
        out.push('\n');
    }
    Ok(())
}

fn write_items(items: &[Node], level: usize, out: &mut String) -> Result<()> {
    if !items.is_empty() && level >= MAX_DEPTH {
        return Err(Error::EINVAL);
    }
    for item in items {
        if !is_valid_name(&item.name) {
            return Err(Error::EINVAL);
        }
        write_comments(&item.comments, out)?;
        out.extend(std::iter::repeat_n(' ', level * 4));
        out.push_str(&item.name);
        let value = &item.value;
        if !is_writable_value(value) {
            return Err(Error::EINVAL);
        }
        if !value.is_empty() {
            let quote = if value.contains('"') { '\'' } else { '"' };
            out.push_str(" = ");
            out.push(quote);
            out.push_str(value);
            out.push(quote);
        }
        out.push('\n');
        write_items(&item.children, level + 1, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CERT: &str = concat!(
        "#   ****  Generated on 2013-10-09 14:13:15 by CZMQ  ****\n",
        "#   ZeroMQ CURVE **Secret** Certificate\n",
        "\n",
        "metadata\n",
        "    name = \"Pieter Hintjens\"\n",
        "    email = 'ph@imatix.com'   # a comment\n",
        "    bare = value with spaces   # comment\n",
        "    empty\n",
        "curve\n",
        "    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n",
        "    secret-key = \"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6\"\n",
    );

    #[test]
    fn reads_a_czmq_certificate() {
        let doc = parse(CERT.as_bytes()).unwrap();
        assert_eq!(doc.comments.len(), 2);
        assert_eq!(doc.get("metadata/name"), Some("Pieter Hintjens"));
        assert_eq!(doc.get("/metadata/email"), Some("ph@imatix.com"));
        assert_eq!(doc.get("metadata/bare"), Some("value with spaces"));
        assert_eq!(doc.get("metadata/empty"), Some(""));
        assert_eq!(
            doc.get("curve/secret-key"),
            Some("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6")
        );
        assert_eq!(doc.get("curve/missing"), None);
        assert_eq!(doc.locate("metadata").unwrap().children.len(), 4);
    }

    #[test]
    fn refuses_bad_syntax() {
        for bad in [
            "  two-spaces\n",
            "a\n        too-deep\n",
            "    no-parent\n",
            "name = \"unterminated\n",
            "name = \"x\" junk\n",
            "name junk\n",
            "/leading-slash\n",
            "trailing-slash/\n",
            "\tname\n",
        ] {
            assert_eq!(parse(bad.as_bytes()), Err(Error::EINVAL), "{bad:?}");
        }
        assert_eq!(parse(&[b'a', b'=', 0xff]), Err(Error::EINVAL));
    }

    #[test]
    fn nesting_is_bounded() {
        let mut deep = String::new();
        for level in 0..MAX_DEPTH {
            deep.push_str(&" ".repeat(level * 4));
            deep.push_str("x\n");
        }
        assert!(parse(deep.as_bytes()).is_ok());
        deep.push_str(&" ".repeat(MAX_DEPTH * 4));
        deep.push_str("x\n");
        assert_eq!(parse(deep.as_bytes()), Err(Error::EINVAL));
    }

    #[test]
    fn writes_what_zconfig_writes() {
        let doc = Config {
            comments: vec!["   Title".into()],
            nodes: vec![
                Node::section("metadata", vec![Node::leaf("quote", "say \"hi\"")]),
                Node::section("curve", vec![Node::leaf("public-key", "abc")]),
            ],
        };
        let text = write(&doc).unwrap();
        assert_eq!(
            text,
            "#   Title\n\nmetadata\n    quote = 'say \"hi\"'\ncurve\n    public-key = \"abc\"\n"
        );
        assert_eq!(
            parse(text.as_bytes()).unwrap().get("metadata/quote"),
            Some("say \"hi\"")
        );
        let bad = Config {
            comments: vec![],
            nodes: vec![Node::leaf("a", "both \" and '")],
        };
        assert_eq!(write(&bad), Err(Error::EINVAL));
    }

    #[test]
    fn comments_belong_to_the_node_under_them() {
        let text = concat!(
            "#   Title\n",
            "#   second line\n",
            "\n",
            "#  about the server\n",
            "\n",
            "server\n",
            "#  the timeout, in ms\n",
            "\n",
            "    timeout = \"1000\"\n",
            "    verbose = \"1\"\n",
            "#trailing\n",
        );
        let config = parse(text.as_bytes()).unwrap();
        assert_eq!(config.comments, ["   Title", "   second line", "trailing"]);
        let server = config.locate("server").unwrap();
        assert_eq!(server.comments, ["  about the server"]);
        assert_eq!(server.children[0].comments, ["  the timeout, in ms"]);
        assert!(server.children[1].comments.is_empty());
        // Written as zconfig_save writes comments: unindented, a blank line after them.
        let mut written = config.clone();
        written.comments.pop();
        assert_eq!(written.to_zpl().unwrap(), text.replace("#trailing\n", ""));
        let bad_comment = Node {
            comments: vec!["two\nlines".into()],
            ..Node::leaf("a", "b")
        };
        let bad = Config {
            comments: vec![],
            nodes: vec![bad_comment],
        };
        assert_eq!(write(&bad), Err(Error::EINVAL));
    }

    #[test]
    fn set_creates_paths_and_replaces_values() {
        let mut config = Config::new();
        config.set("/server/timeout", "1000").unwrap();
        config.set("server/timeout", "2000").unwrap();
        config.set("server/bind/endpoint", "tcp://*:5555").unwrap();
        config.set("verbose", "").unwrap();
        assert_eq!(config.get("server/timeout"), Some("2000"));
        assert_eq!(config.get("server/bind/endpoint"), Some("tcp://*:5555"));
        assert_eq!(config.get("server/bind"), Some(""));
        assert_eq!(config.get("verbose"), Some(""));
        assert_eq!(
            config.to_zpl().unwrap(),
            "server\n    timeout = \"2000\"\n    bind\n        endpoint = \"tcp://*:5555\"\nverbose\n"
        );
        for (path, value) in [("", "x"), ("/", "x"), ("a b", "x"), ("a", "line\nbreak")] {
            assert_eq!(config.set(path, value), Err(Error::EINVAL), "{path:?}");
        }
    }

    #[test]
    fn saves_and_loads_a_file() {
        let path =
            std::env::temp_dir().join(format!("ferrozmq-zconfig-{}.cfg", std::process::id()));
        let mut config = Config::new();
        config.comments.push("   CURVE certificate".into());
        config.set("/curve/secret-key", "Top Secret").unwrap();
        config.set("/headers/email", "some@random.com").unwrap();
        config.save(&path).unwrap();
        let loaded = Config::load(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(loaded, Ok(config));
        assert_eq!(Config::load(&path), Err(Error::ENOENT));
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9$@&+._-][a-zA-Z0-9$@&+._/-]{0,8}[a-zA-Z0-9]?"
            .prop_filter("valid", |n| is_valid_name(n))
    }

    /// A value `to_zpl` can write: any text without line breaks, NULs or both quotes.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[^\n\r\x00\"]{1,20}",
            "[^\n\r\x00']{1,20}"
        ]
    }

    /// Random trees up to four levels deep, with comments on the tree and on any node, whose
    /// ends are not spaces (a line's trailing spaces are not part of it, in CZMQ as here).
    fn tree() -> impl Strategy<Value = Config> {
        let leaf = (name(), value(), comments()).prop_map(|(n, v, comments)| Node {
            comments,
            ..Node::leaf(&n, &v)
        });
        let node = leaf.prop_recursive(3, 24, 4, |inner| {
            (
                name(),
                value(),
                proptest::collection::vec(inner, 0..4),
                comments(),
            )
                .prop_map(|(name, value, children, comments)| Node {
                    name,
                    value,
                    children,
                    comments,
                })
        });
        (comments(), proptest::collection::vec(node, 0..4))
            .prop_map(|(comments, nodes)| Config { comments, nodes })
    }

    /// Comment lines whose ends are not spaces.
    fn comments() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec("([ -~]{0,20}[!-~])?", 0..3)
    }

    /// `config` as it reads back: the comments of the first node of a tree without comments
    /// of its own are the tree's (the text cannot tell them apart).
    fn as_read_back(mut config: Config) -> Config {
        if config.comments.is_empty() {
            if let Some(first) = config.nodes.first_mut() {
                config.comments = std::mem::take(&mut first.comments);
            }
        }
        config
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse(&text);
        }

        #[test]
        fn parse_never_panics_on_zpl_like_text(
            text in "([ ]{0,9}[a-z/#='\" ]{0,12}\n){0,12}"
        ) {
            let _ = parse(text.as_bytes());
        }

        #[test]
        fn written_trees_read_back_the_same(config in tree()) {
            let text = config.to_zpl().unwrap();
            prop_assert_eq!(Config::parse(text.as_bytes()).unwrap(), as_read_back(config));
        }
    }
}
