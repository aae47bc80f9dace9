//! ZPL (ZeroMQ RFC 4), the text format of certificate files, read and written the way CZMQ's
//! `zconfig` does for the subset certificates use: a tree of `name = "value"` lines indented
//! by four spaces per level, and `#` comments at the top.
//!
//! Reading never panics and never trusts the file: any syntax error refuses the whole file
//! (EINVAL), as `zconfig_load` does, and nesting is limited to [`MAX_DEPTH`] levels.

use crate::{Error, Result};

/// The deepest nesting accepted (certificates use 2; CZMQ has no limit, but a tree this deep
/// is never a certificate and a limit keeps recursion bounded).
pub(crate) const MAX_DEPTH: usize = 16;

/// One named item of a ZPL tree, with its value and children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Item {
    /// The item's name (ZPL name characters).
    pub name: String,
    /// The value; `None` for a bare section name (written without `= ...`).
    pub value: Option<String>,
    /// Items indented under this one.
    pub children: Vec<Item>,
}

impl Item {
    /// A section: a name with no value.
    pub fn section(name: &str, children: Vec<Item>) -> Item {
        Item {
            name: name.to_string(),
            value: None,
            children,
        }
    }

    /// A `name = "value"` leaf.
    pub fn leaf(name: &str, value: &str) -> Item {
        Item {
            name: name.to_string(),
            value: Some(value.to_string()),
            children: Vec::new(),
        }
    }
}

/// A whole ZPL file: its leading comments and its top-level items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Document {
    /// Comment lines, without their `#`.
    pub comments: Vec<String>,
    /// Top-level items.
    pub items: Vec<Item>,
}

impl Document {
    /// The first item at `path` (`"curve/public-key"`: names separated by `/`).
    pub fn locate(&self, path: &str) -> Option<&Item> {
        let mut names = path.split('/').filter(|n| !n.is_empty());
        let first = names.next()?;
        let mut item = self.items.iter().find(|i| i.name == first)?;
        for name in names {
            item = item.children.iter().find(|i| i.name == name)?;
        }
        Some(item)
    }

    /// The value at `path`, if the item exists and has one.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.locate(path)?.value.as_deref()
    }
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

/// Whether [`write`] can store `value` so that [`parse`] reads it back unchanged: no line
/// breaks or NULs, and not both kinds of quote.
pub(crate) fn is_writable_value(value: &str) -> bool {
    let both_quotes = value.contains('"') && value.contains('\'');
    !both_quotes && !value.contains(['\n', '\r', '\0'])
}

/// Parses ZPL text. Errors (EINVAL) on bad indentation, names or quoting, on text after a
/// value, and on nesting deeper than [`MAX_DEPTH`].
pub(crate) fn parse(text: &[u8]) -> Result<Document> {
    let mut doc = Document::default();
    for raw_line in text.split(|&b| b == b'\n') {
        let end = raw_line
            .iter()
            .rposition(|&b| !is_space(b))
            .map_or(0, |at| at + 1);
        let line = &raw_line[..end];
        if let Some(comment) = line.strip_prefix(b"#") {
            doc.comments.push(utf8(comment)?.to_string());
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
        let parent = parent_at(&mut doc.items, level).ok_or(Error::EINVAL)?;
        parent.push(Item {
            name: name.to_string(),
            value: Some(value),
            children: Vec::new(),
        });
    }
    Ok(doc)
}

/// The children list new items at `level` go into: the top level for 0, else the children of
/// the last item one level up (none: an indentation error).
fn parent_at(items: &mut Vec<Item>, level: usize) -> Option<&mut Vec<Item>> {
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

/// Writes a document as `zconfig_save` does: each comment as `#comment`, a blank line after
/// the comments, then every item indented four spaces per level with its value in quotes.
/// Names and values must be valid ([`is_valid_name`], [`is_writable_value`]); invalid ones
/// are EINVAL.
pub(crate) fn write(doc: &Document) -> Result<String> {
    let mut out = String::new();
    for comment in &doc.comments {
        if comment.contains(['\n', '\r']) {
            return Err(Error::EINVAL);
        }
        out.push('#');
        out.push_str(comment);
        out.push('\n');
    }
    if !doc.comments.is_empty() {
        out.push('\n');
    }
    write_items(&doc.items, 0, &mut out)?;
    Ok(out)
}

fn write_items(items: &[Item], level: usize, out: &mut String) -> Result<()> {
    if !items.is_empty() && level >= MAX_DEPTH {
        return Err(Error::EINVAL);
    }
    for item in items {
        if !is_valid_name(&item.name) {
            return Err(Error::EINVAL);
        }
        out.extend(std::iter::repeat_n(' ', level * 4));
        out.push_str(&item.name);
        if let Some(value) = &item.value {
            if !is_writable_value(value) {
                return Err(Error::EINVAL);
            }
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
        let doc = Document {
            comments: vec!["   Title".into()],
            items: vec![
                Item::section("metadata", vec![Item::leaf("quote", "say \"hi\"")]),
                Item::section("curve", vec![Item::leaf("public-key", "abc")]),
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
        let bad = Document {
            comments: vec![],
            items: vec![Item::leaf("a", "both \" and '")],
        };
        assert_eq!(write(&bad), Err(Error::EINVAL));
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9$@&+._-][a-zA-Z0-9$@&+._/-]{0,8}[a-zA-Z0-9]?"
            .prop_filter("valid", |n| is_valid_name(n))
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
        fn written_documents_read_back(
            leaves in proptest::collection::vec(
                (name(), "[^\n\r\x00\"]{0,20}"), 0..6
            )
        ) {
            let items = leaves.iter().map(|(n, v)| Item::leaf(n, v)).collect();
            let doc = Document {
                comments: vec!["  c".into()],
                items: vec![Item::section("s", items)],
            };
            let text = write(&doc).unwrap();
            let back = parse(text.as_bytes()).unwrap();
            prop_assert_eq!(back.comments, doc.comments);
            let section = &back.items[0];
            prop_assert_eq!(section.children.len(), leaves.len());
            for (item, (n, v)) in section.children.iter().zip(&leaves) {
                prop_assert_eq!(&item.name, n);
                prop_assert_eq!(item.value.as_deref(), Some(v.as_str()));
            }
        }
    }
}
