//! tokio-echo --listen HOST:PORT: TCP echo on tokio's current_thread runtime (the work of
//! peers/common/echo.hpp: read at most ECHO_READ_SIZE bytes, write them all back).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ECHO_READ_SIZE: usize = 16384;

async fn echo(mut stream: TcpStream) {
    let mut buf = vec![0u8; ECHO_READ_SIZE];
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return, // EOF or error: the socket closes on drop
            Ok(n) => n,
        };
        if stream.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

fn main() {
    std::process::exit(kov_peers_tokio::serve("tokio-echo", echo));
}
