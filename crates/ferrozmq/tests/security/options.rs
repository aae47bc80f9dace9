//! The security options as libzmq's `zmq_setsockopt` treats them (test_security_* and
//! test_setsockopt ground): which option picks which mechanism and role, and which key
//! encodings are accepted.

use ferrozmq::{z85_encode, Context, CurveKeyPair, Error, Mechanism};

#[test]
fn options_pick_the_mechanism_and_role_as_libzmq() {
    let ctx = Context::new();
    let s = ctx.socket(ferrozmq::DEALER).unwrap();
    assert_eq!(s.get_mechanism().unwrap(), Mechanism::ZMQ_NULL);

    s.set_plain_username(Some("admin")).unwrap();
    assert_eq!(s.get_mechanism().unwrap(), Mechanism::ZMQ_PLAIN);
    assert!(!s.is_plain_server().unwrap());
    assert_eq!(s.get_plain_username().unwrap().unwrap(), "admin");
    s.set_plain_username(None).unwrap();
    assert_eq!(s.get_mechanism().unwrap(), Mechanism::ZMQ_NULL);

    s.set_plain_server(true).unwrap();
    assert!(s.is_plain_server().unwrap());
    s.set_plain_server(false).unwrap();
    assert_eq!(s.get_mechanism().unwrap(), Mechanism::ZMQ_NULL);

    let keys = CurveKeyPair::new().unwrap();
    s.set_curve_serverkey(&keys.public_key).unwrap();
    assert_eq!(s.get_mechanism().unwrap(), Mechanism::ZMQ_CURVE);
    assert!(!s.is_curve_server().unwrap());
    s.set_curve_server(true).unwrap();
    assert!(s.is_curve_server().unwrap());
    assert_eq!(Mechanism::ZMQ_CURVE.to_raw(), 2);
}

#[test]
fn curve_keys_are_taken_raw_or_as_z85_with_or_without_a_nul() {
    let ctx = Context::new();
    let s = ctx.socket(ferrozmq::REQ).unwrap();
    let keys = CurveKeyPair::new().unwrap();
    let text = z85_encode(&keys.public_key).unwrap();

    s.set_curve_publickey(text.as_bytes()).unwrap();
    assert_eq!(s.get_curve_publickey().unwrap(), keys.public_key.to_vec());
    let mut with_nul = text.clone().into_bytes();
    with_nul.push(0);
    s.set_curve_secretkey(&with_nul).unwrap();
    assert_eq!(s.get_curve_secretkey().unwrap(), keys.public_key.to_vec());
    s.set_curve_serverkey(&keys.secret_key).unwrap();
    assert_eq!(s.get_curve_serverkey().unwrap(), keys.secret_key.to_vec());

    assert_eq!(s.set_curve_publickey(&[1; 31]), Err(Error::EINVAL));
    assert_eq!(
        s.set_curve_publickey(&text.as_bytes()[..39]),
        Err(Error::EINVAL)
    );
    assert_eq!(s.set_curve_publickey(&[b' '; 40]), Err(Error::EINVAL));
}

#[test]
fn over_long_credentials_and_domains_are_refused() {
    let ctx = Context::new();
    let s = ctx.socket(ferrozmq::REP).unwrap();
    let long = "x".repeat(256);
    assert_eq!(s.set_plain_username(Some(&long)), Err(Error::EINVAL));
    assert_eq!(s.set_plain_password(Some(&long)), Err(Error::EINVAL));
    assert_eq!(s.set_zap_domain(&long), Err(Error::EINVAL));
    s.set_zap_domain("global").unwrap();
    assert_eq!(s.get_zap_domain().unwrap().unwrap(), "global");
    s.set_zap_enforce_domain(true).unwrap();
    assert!(s.is_zap_enforce_domain().unwrap());
}
