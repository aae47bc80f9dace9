// A JeroMQ socket driven line by line by a Rust test (crates/ferrozmq/tests/interop/jeromq).
//
// Each stdin line is one command; each gets exactly one line back on stdout: "ok [value]",
// "frames HEX,HEX,..." (an empty frame is "-"), "timeout" or "error MESSAGE".
//
//   socket TYPE          a socket of TYPE (PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB)
//   identity HEX         its routing id (before connect or bind)
//   bind HOST            binds tcp://HOST on a free port -> "ok PORT"
//   connect ENDPOINT
//   subscribe HEX|-      a SUB's subscription ("-": everything)
//   send HEX,HEX,...     one message
//   recv MILLISECONDS    one message -> "frames ..." or "timeout"
//   close
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.zeromq.ZMQ;

public class Peer {
    public static void main(String[] args) throws Exception {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket socket = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ", 2);
            String arg = words.length > 1 ? words[1] : "";
            String reply;
            try {
                switch (words[0]) {
                    case "socket":
                        socket = ctx.socket(ZMQ.class.getField(arg).getInt(null));
                        socket.setLinger(1000);
                        reply = "ok";
                        break;
                    case "identity":
                        socket.setIdentity(unhex(arg));
                        reply = "ok";
                        break;
                    case "bind":
                        reply = "ok " + socket.bindToRandomPort("tcp://" + arg);
                        break;
                    case "connect":
                        socket.connect(arg);
                        reply = "ok";
                        break;
                    case "subscribe":
                        socket.subscribe(unhex(arg));
                        reply = "ok";
                        break;
                    case "send":
                        String[] frames = arg.split(",", -1);
                        for (int i = 0; i < frames.length; i++) {
                            socket.send(unhex(frames[i]), i + 1 < frames.length ? ZMQ.SNDMORE : 0);
                        }
                        reply = "ok";
                        break;
                    case "recv":
                        socket.setReceiveTimeOut(Integer.parseInt(arg));
                        reply = receive(socket);
                        break;
                    case "close":
                        socket.close();
                        socket = null;
                        reply = "ok";
                        break;
                    default:
                        reply = "error unknown command " + words[0];
                }
            } catch (Exception e) {
                reply = "error " + e;
            }
            System.out.println(reply);
            System.out.flush();
        }
        if (socket != null) {
            socket.close();
        }
        ctx.term();
    }

    static String receive(ZMQ.Socket socket) {
        StringBuilder out = new StringBuilder("frames ");
        byte[] frame = socket.recv(0);
        if (frame == null) {
            return "timeout";
        }
        out.append(hex(frame));
        while (socket.hasReceiveMore()) {
            out.append(',').append(hex(socket.recv(0)));
        }
        return out.toString();
    }

    static String hex(byte[] bytes) {
        if (bytes.length == 0) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b & 0xff));
        }
        return s.toString();
    }

    static byte[] unhex(String text) {
        if (text.equals("-")) {
            return new byte[0];
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
