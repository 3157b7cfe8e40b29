//! tokio-http --listen HOST:PORT: HTTP/1.1 hello world (keep-alive, pipelining) on tokio's
//! current_thread runtime. A request is everything up to "\r\n\r\n" (no bodies); each complete
//! one gets one response, a partial one waits for the rest; all responses to one read go out
//! in one write (the same work as peers/common/http_hello.hpp).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";
const READ_SIZE: usize = 16384;

/// Appends one response per complete request in `input[..*filled]` to `out` and drops them.
fn answer(input: &mut [u8], filled: &mut usize, out: &mut Vec<u8>) {
    let mut start = 0;
    while let Some(end) = input[start..*filled].windows(4).position(|w| w == b"\r\n\r\n") {
        start += end + 4;
        out.extend_from_slice(RESPONSE);
    }
    input.copy_within(start..*filled, 0);
    *filled -= start;
}

async fn http(mut stream: TcpStream) {
    let mut input = vec![0u8; READ_SIZE];
    let mut filled = 0;
    let mut out = Vec::with_capacity(READ_SIZE);
    loop {
        if input.len() - filled < READ_SIZE {
            input.resize(filled + READ_SIZE, 0);
        }
        let n = match stream.read(&mut input[filled..]).await {
            Ok(0) | Err(_) => return, // EOF or error: close
            Ok(n) => n,
        };
        filled += n;
        out.clear();
        answer(&mut input, &mut filled, &mut out);
        if !out.is_empty() && stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn main() {
    std::process::exit(kov_peers_tokio::serve("tokio-http", http));
}
