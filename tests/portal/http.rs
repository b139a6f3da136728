//! A small HTTP/1.1 server on 127.0.0.1, std only, so the fake portal controls every
//! byte: keep-alive, empty bodies, dropped connections, stalls. Every request is
//! logged with the number of the connection it came on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    /// Counts from 1 in the order connections were accepted.
    pub connection: usize,
    pub method: String,
    pub path: String,
    pub query: String,
    /// Names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request had been read.
    pub received: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| percent_decode(value))
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn new(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status, value.to_string())
            .with_header("Content-Type", "application/json; charset=utf-8")
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Answer {
    Send(Response),
    /// Close the connection without answering.
    Hangup,
    /// Send these bytes as they are, then close.
    Raw(Vec<u8>),
    /// Wait, then answer.
    After(Duration, Box<Answer>),
    /// Do what the request asks, then close the connection without answering: a
    /// response lost on the way back.
    Lost,
}

pub type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    stopping: Arc<AtomicBool>,
}

impl Server {
    pub fn start(handler: Arc<Handler>, tls: Option<Arc<ServerConfig>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let (thread_log, thread_stopping) = (log.clone(), stopping.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let _ = stream.set_nodelay(true);
                let number = connections.fetch_add(1, Ordering::SeqCst) + 1;
                let (handler, log, tls) = (handler.clone(), thread_log.clone(), tls.clone());
                thread::spawn(move || match tls {
                    None => serve(stream, number, &*handler, &log),
                    Some(config) => {
                        let Ok(connection) = ServerConnection::new(config) else {
                            return;
                        };
                        serve(
                            StreamOwned::new(connection, stream),
                            number,
                            &*handler,
                            &log,
                        )
                    }
                });
            }
        });
        Server {
            addr,
            log,
            stopping,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

/// A TLS server configuration from PEM: the certificate chain and its private key.
pub fn tls_config(chain_pem: &[u8], key_pem: &[u8]) -> Arc<ServerConfig> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem)
        .collect::<Result<_, _>>()
        .expect("certificate PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem).expect("key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("certificate and key match");
    Arc::new(config)
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve<S: Read + Write>(
    stream: S,
    connection: usize,
    handler: &Handler,
    log: &Mutex<Vec<Request>>,
) {
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader, connection) {
        log.lock().unwrap().push(request.clone());
        let keep_alive = request.header("connection") != Some("close");
        if !answer(reader.get_mut(), handler(&request), keep_alive) {
            break;
        }
    }
}

/// Returns whether the connection stays open.
fn answer(writer: &mut impl Write, what: Answer, keep_alive: bool) -> bool {
    match what {
        Answer::Send(response) => {
            let mut head = format!(
                "HTTP/1.1 {} {}\r\n",
                response.status,
                reason(response.status)
            );
            for (name, value) in &response.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
            if !keep_alive {
                head.push_str("Connection: close\r\n");
            }
            head.push_str("\r\n");
            // One write: split in two, the body would wait for the client's delayed ACK
            // (Nagle), 40 ms a response, which a real portal does not cost.
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(response.body.as_bytes());
            let sent = writer.write_all(&bytes).and_then(|_| writer.flush());
            sent.is_ok() && keep_alive
        }
        Answer::Hangup | Answer::Lost => false,
        Answer::Raw(bytes) => {
            let _ = writer.write_all(&bytes);
            false
        }
        Answer::After(delay, then) => {
            thread::sleep(delay);
            answer(writer, *then, keep_alive)
        }
    }
}

fn read_request(reader: &mut BufReader<impl Read>, connection: usize) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (target, String::new()),
    };
    Some(Request {
        connection,
        method,
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        received: Instant::now(),
    })
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
