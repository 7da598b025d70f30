// pgo-probe: runs a schedule of commands one after another and reports, for each, its wall time,
// its user+system CPU time and its peak RSS. `pgo bench` compiles this file once with the user's
// own `rustc -O` (std only, no crates). Node cannot read a child's rusage, and starting every run
// from Node would put Node's spawn cost into the measurement; the probe runs a whole round.
//
// Usage: pgo-probe SCHEDULE_FILE
// SCHEDULE_FILE: one job per line, tab-separated fields, `\\`, `\t`, `\n` escaped:
//   id, stdout file ("" = discard), stderr file ("" = discard), program, arguments...
// Output (stdout, all at the end), one line per job, in order:
//   id \t exit:N | signal:N | spawn-error:MESSAGE \t wall_ns \t cpu_us|- \t maxrss_kb|-
// CPU time and peak RSS come from wait4(2) on unix; elsewhere only wall time is measured.

use std::fs::File;
use std::io::{self, BufRead, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn sink(path: &str) -> io::Result<Stdio> {
    if path.is_empty() {
        Ok(Stdio::null())
    } else {
        Ok(Stdio::from(File::create(path)?))
    }
}

struct Measured {
    status: String,
    cpu_us: Option<u64>,
    maxrss_kb: Option<u64>,
}

#[cfg(unix)]
mod sys {
    use std::os::raw::{c_int, c_long};

    #[repr(C)]
    pub struct Timeval {
        pub tv_sec: c_long,
        #[cfg(target_os = "macos")]
        pub tv_usec: i32,
        #[cfg(not(target_os = "macos"))]
        pub tv_usec: c_long,
    }

    #[repr(C)]
    pub struct Rusage {
        pub ru_utime: Timeval,
        pub ru_stime: Timeval,
        pub ru_maxrss: c_long,
        pub rest: [c_long; 13],
    }

    extern "C" {
        pub fn wait4(pid: c_int, status: *mut c_int, options: c_int, rusage: *mut Rusage) -> c_int;
    }
}

#[cfg(unix)]
fn wait_child(child: std::process::Child) -> io::Result<Measured> {
    let pid = child.id() as std::os::raw::c_int;
    let mut status: std::os::raw::c_int = 0;
    let mut ru: sys::Rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { sys::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    // The Child is forgotten: wait4 reaped it already.
    std::mem::forget(child);
    let tv = |t: &sys::Timeval| (t.tv_sec as u64) * 1_000_000 + (t.tv_usec as u64);
    let cpu = tv(&ru.ru_utime) + tv(&ru.ru_stime);
    // Linux reports KiB, macOS bytes.
    let rss = if cfg!(target_os = "macos") { (ru.ru_maxrss as u64) / 1024 } else { ru.ru_maxrss as u64 };
    let code = (status >> 8) & 0xff;
    let sig = status & 0x7f;
    let text = if sig == 0 { format!("exit:{}", code) } else { format!("signal:{}", sig) };
    Ok(Measured { status: text, cpu_us: Some(cpu), maxrss_kb: Some(rss) })
}

#[cfg(not(unix))]
fn wait_child(mut child: std::process::Child) -> io::Result<Measured> {
    let st = child.wait()?;
    let text = match st.code() {
        Some(c) => format!("exit:{}", c),
        None => "signal:0".to_string(),
    };
    Ok(Measured { status: text, cpu_us: None, maxrss_kb: None })
}

fn run(fields: &[String]) -> (String, u128, Option<u64>, Option<u64>) {
    let (out, err, prog, args) = (&fields[1], &fields[2], &fields[3], &fields[4..]);
    let mut cmd = Command::new(prog);
    cmd.args(args).stdin(Stdio::null());
    match (sink(out), sink(err)) {
        (Ok(o), Ok(e)) => {
            cmd.stdout(o).stderr(e);
        }
        (Err(e), _) | (_, Err(e)) => return (format!("spawn-error:cannot open output file: {}", e), 0, None, None),
    }
    let started = Instant::now();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (format!("spawn-error:{}", e), 0, None, None),
    };
    match wait_child(child) {
        Ok(m) => (m.status, started.elapsed().as_nanos(), m.cpu_us, m.maxrss_kb),
        Err(e) => (format!("spawn-error:wait failed: {}", e), started.elapsed().as_nanos(), None, None),
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--noop") {
        return;
    }
    let path = match std::env::args().nth(1) {
        Some(p) => p,
        None => {
            eprintln!("usage: pgo-probe SCHEDULE_FILE");
            std::process::exit(2);
        }
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("pgo-probe: cannot read {}: {}", path, e);
            std::process::exit(2);
        }
    };
    // Read the whole schedule first: no file reading between the measured runs.
    let mut jobs: Vec<Vec<String>> = Vec::new();
    for line in io::BufReader::new(file).lines() {
        let line = line.expect("pgo-probe: schedule is not UTF-8");
        if line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        if fields.len() < 4 {
            eprintln!("pgo-probe: a job needs id, stdout, stderr and a program: {}", line);
            std::process::exit(2);
        }
        jobs.push(fields);
    }
    // One untimed start of a process (this probe, doing nothing) first: the first spawn of a fresh
    // process is slower (page tables, caches), and it must not land on a measured run.
    if let Ok(me) = std::env::current_exe() {
        let _ = Command::new(me).arg("--noop").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
    // Results are printed after the last job: a reader woken up by each line would compete with
    // the next measured run for the CPU.
    let mut report = String::new();
    for job in &jobs {
        let (status, wall, cpu, rss) = run(job);
        let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".to_string());
        report.push_str(&format!("{}\t{}\t{}\t{}\t{}\n", job[0], status.replace(['\t', '\n'], " "), wall, opt(cpu), opt(rss)));
    }
    let mut out = io::stdout().lock();
    let _ = out.write_all(report.as_bytes());
    let _ = out.flush();
}
