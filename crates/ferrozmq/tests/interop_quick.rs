#[test]
fn libzmq_push_to_ferrozmq_pull_and_back() {
    let ctx = ferrozmq::Context::new();
    let zctx = zmq::Context::new();
    let pull = ctx.socket(ferrozmq::PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.get_last_endpoint().unwrap().unwrap();
    let zpush = zctx.socket(zmq::PUSH).unwrap();
    zpush.connect(&ep).unwrap();
    zpush.send_multipart(["x", "y"], 0).unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"x".to_vec(), b"y".to_vec()]
    );

    let zrep = zctx.socket(zmq::REP).unwrap();
    zrep.bind("tcp://127.0.0.1:*").unwrap();
    let ep = zrep.get_last_endpoint().unwrap().unwrap();
    let req = ctx.socket(ferrozmq::REQ).unwrap();
    req.connect(&ep).unwrap();
    req.send("hello", 0).unwrap();
    assert_eq!(zrep.recv_string(0).unwrap().unwrap(), "hello");
    zrep.send("world", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap().unwrap(), "world");
}
