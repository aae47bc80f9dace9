//! Property tests for the mechanisms: no bytes make a PLAIN or CURVE parser or engine panic,
//! every refusal carries libzmq's code, and CURVE traffic survives any message shapes.

mod common;

use bytes::Bytes;
use common::*;
use ferrozmq_zmtp::{fuzzing, Engine, EngineConfig, Event, Mechanism, Outgoing, SocketType};
use proptest::prelude::*;

/// Command bodies: arbitrary, or a real mechanism command name followed by arbitrary data.
fn command_body() -> impl Strategy<Value = Vec<u8>> {
    let names: [&[u8]; 7] = [
        b"HELLO",
        b"WELCOME",
        b"INITIATE",
        b"READY",
        b"MESSAGE",
        b"ERROR",
        b"PING",
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        (0..names.len(), prop::collection::vec(any::<u8>(), 0..400)).prop_map(move |(i, data)| {
            let mut body = vec![names[i].len() as u8];
            body.extend_from_slice(names[i]);
            body.extend_from_slice(&data);
            body
        }),
        // Exactly-sized CURVE shapes, so size checks pass and the boxes are what fails.
        (0usize..4, any::<u8>()).prop_map(|(i, fill)| {
            let (name, len): (&[u8], usize) = [
                (&b"HELLO"[..], 200),
                (b"WELCOME", 168),
                (b"INITIATE", 257),
                (b"READY", 30),
            ][i];
            let mut body = vec![name.len() as u8];
            body.extend_from_slice(name);
            body.resize(len, fill);
            if name == b"HELLO" {
                body[6] = 1;
                body[7] = 0;
            }
            body
        }),
    ]
}

/// Frames a body as a command.
fn command_frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ferrozmq_zmtp::frame::encode_header(ferrozmq_zmtp::frame::FLAG_COMMAND, body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn command_parsers_never_panic(body in command_body()) {
        fuzzing::mechanism_commands(&body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn curve_engines_never_panic(
        server in any::<bool>(),
        cfg in any::<u8>(),
        seed in any::<u8>(),
        bodies in prop::collection::vec(command_body(), 0..4),
        raw in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut data = vec![cfg, seed];
        for body in &bodies {
            data.extend_from_slice(&command_frame(body));
        }
        data.extend_from_slice(&raw);
        if server {
            fuzzing::curve_server(&data);
        } else {
            fuzzing::curve_client(&data);
        }
    }

    #[test]
    fn plain_server_never_panics(bodies in prop::collection::vec(command_body(), 0..4), zap in 0usize..4) {
        let mut engine = Engine::new(EngineConfig {
            mechanism: Mechanism::PlainServer,
            ..EngineConfig::new(SocketType::DEALER)
        });
        engine.handle_input(&raw_greeting(b"PLAIN", 3, 1));
        for body in &bodies {
            engine.handle_input(&command_frame(body));
        }
        for _ in 0..4 {
            let mut asked = false;
            let r = fuzzing::pull_events(&mut engine, &mut |e| {
                asked |= matches!(e, Event::ZapRequest(_));
                true
            });
            if let Err(e) = r {
                prop_assert!(e.protocol_error_code().is_some() || e.zap_status_code().is_some());
                break;
            }
            if asked {
                if let Err(e) = engine.zap_reply([200, 300, 400, 500][zap]) {
                    prop_assert!(e.zap_status_code().is_some());
                    break;
                }
            }
        }
    }

    #[test]
    fn curve_traffic_round_trips(
        frames in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..600)), 1..12),
    ) {
        let (client_config, server_config) = fuzzing::curve_configs();
        let mut client = Engine::new(client_config);
        let mut server = Engine::new(server_config);
        for _ in 0..8 {
            let mut out = Vec::new();
            client.take_output(&mut out);
            server.handle_input(&out);
            out.clear();
            server.take_output(&mut out);
            client.handle_input(&out);
            fuzzing::pull_events(&mut client, &mut |_| true).unwrap();
            let mut asked = false;
            fuzzing::pull_events(&mut server, &mut |e| { asked |= matches!(e, Event::ZapRequest(_)); true }).unwrap();
            if asked {
                server.zap_reply(200).unwrap();
            }
        }
        prop_assert!(client.is_ready() && server.is_ready());
        let mut wire = Vec::new();
        for (more, body) in &frames {
            client.encode(Outgoing::Frame { more: *more, body }, &mut wire);
        }
        server.handle_input(&wire);
        let mut got = Vec::new();
        fuzzing::pull_events(&mut server, &mut |e| {
            if let Event::Frame { more, body } = e {
                got.push((more, body));
            }
            true
        }).unwrap();
        let want: Vec<(bool, Bytes)> = frames.iter().map(|(m, b)| (*m, Bytes::from(b.clone()))).collect();
        prop_assert_eq!(got, want);
    }
}
