//! Reports the ZeroMQ version (zguide chapter 1): the libzmq API version ferrozmq implements,
//! as `Current 0MQ version is 4.3.4`.

fn main() {
    let (major, minor, patch) = ferrozmq::version();
    println!("Current 0MQ version is {major}.{minor}.{patch}");
}
