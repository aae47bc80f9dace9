//! Lines for the draft socket types, which carry single-frame messages with a routing id
//! (SERVER, PEER) or a group (RADIO, DISH) beside the body: the id or group is the line's
//! first field, the body its second; the other draft types take one-field lines.

use ferrozmq::{Message, SocketType};

use crate::cli_args::Failure;

/// What a line's first field is for a socket of `kind`, if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    /// SERVER, PEER: the routing id, in decimal.
    RoutingId,
    /// RADIO, DISH: the group.
    Group,
    /// The other draft types: no first field, the body alone.
    None,
}

fn head(kind: SocketType) -> Head {
    match kind {
        SocketType::SERVER | SocketType::PEER => Head::RoutingId,
        SocketType::RADIO | SocketType::DISH => Head::Group,
        _ => Head::None,
    }
}

/// Whether `kind` is a draft type whose lines this module reads and writes.
pub fn is_draft(kind: SocketType) -> bool {
    kind.is_thread_safe()
}

/// The message a line's `frames` make for a socket of `kind`.
pub fn message(kind: SocketType, frames: Vec<Vec<u8>>) -> Result<Message, Failure> {
    let head = head(kind);
    let expected = if head == Head::None { 1 } else { 2 };
    if frames.len() != expected {
        return Err(wrong_fields(kind, expected));
    }
    let mut frames = frames.into_iter();
    let first = if head == Head::None {
        Vec::new()
    } else {
        frames.next().unwrap_or_default()
    };
    let mut msg = Message::from(frames.next().unwrap_or_default());
    match head {
        Head::RoutingId => {
            let id = std::str::from_utf8(&first)
                .ok()
                .and_then(|text| text.parse::<u32>().ok())
                .filter(|&id| id != 0)
                .ok_or_else(|| Failure::Run("a routing id is a number from 1 up".into()))?;
            msg.set_routing_id(id)
                .map_err(|e| Failure::Run(format!("bad routing id: {e}")))?;
        }
        Head::Group => msg
            .set_group(&first)
            .map_err(|_| Failure::Run("a group is at most 255 bytes".into()))?,
        Head::None => {}
    }
    Ok(msg)
}

fn wrong_fields(kind: SocketType, expected: usize) -> Failure {
    let form = match head(kind) {
        Head::RoutingId => "ROUTING-ID<TAB>BODY",
        Head::Group => "GROUP<TAB>BODY",
        Head::None => "one field (these types send single frames)",
    };
    Failure::Run(format!(
        "a {} line is {form}: {expected} field(s)",
        kind.name().to_lowercase()
    ))
}

/// The fields a received `msg` prints as for a socket of `kind`.
pub fn fields(kind: SocketType, msg: Message) -> Vec<Vec<u8>> {
    let first = match head(kind) {
        Head::RoutingId => Some(msg.routing_id().to_string().into_bytes()),
        Head::Group => Some(msg.group().unwrap_or_default().to_vec()),
        Head::None => None,
    };
    first.into_iter().chain([msg.into_vec()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_ids_and_groups_are_the_first_field() {
        let msg = message(SocketType::SERVER, vec![b"7".to_vec(), b"hi".to_vec()]).unwrap();
        assert_eq!((msg.routing_id(), &msg[..]), (7, &b"hi"[..]));
        assert_eq!(
            fields(SocketType::SERVER, msg),
            vec![b"7".to_vec(), b"hi".to_vec()]
        );
        let msg = message(SocketType::RADIO, vec![b"tv".to_vec(), b"news".to_vec()]).unwrap();
        assert_eq!(msg.group(), Some(&b"tv"[..]));
        assert_eq!(
            fields(SocketType::DISH, msg),
            vec![b"tv".to_vec(), b"news".to_vec()]
        );
        let msg = message(SocketType::CLIENT, vec![b"one".to_vec()]).unwrap();
        assert_eq!(fields(SocketType::CLIENT, msg), vec![b"one".to_vec()]);
    }

    #[test]
    fn malformed_lines_are_refused() {
        let two = || vec![b"a".to_vec(), b"b".to_vec()];
        assert!(message(SocketType::CLIENT, two()).is_err());
        assert!(message(SocketType::RADIO, vec![b"body".to_vec()]).is_err());
        assert!(message(SocketType::SERVER, vec![b"x".to_vec(), b"b".to_vec()]).is_err());
        assert!(message(SocketType::SERVER, vec![b"0".to_vec(), b"b".to_vec()]).is_err());
        let long = vec![vec![b'g'; 256], b"b".to_vec()];
        assert!(message(SocketType::RADIO, long).is_err());
        assert!(message(SocketType::SCATTER, vec![b"a".to_vec(); 3]).is_err());
    }
}
