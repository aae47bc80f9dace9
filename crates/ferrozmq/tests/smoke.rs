use ferrozmq::*;

#[test]
fn push_pull_tcp() {
    let ctx = Context::new();
    let pull = ctx.socket(PULL).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.get_last_endpoint().unwrap().unwrap();
    let push = ctx.socket(PUSH).unwrap();
    push.connect(&ep).unwrap();
    for i in 0..1000 {
        push.send(format!("m{i}").as_str(), 0).unwrap();
    }
    for i in 0..1000 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("m{i}"));
    }
    push.send_multipart(["a", "b", "c"], 0).unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
    );
}
