//! `daw-render <seconds> [--seed N]`: render a generated song at 48 kHz and
//! print a checksum of the 16-bit output plus how much faster than real time it ran.

use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: daw-render <seconds> [--seed N]\n\
    \n  seconds   length of audio to render at 48 kHz (integer, 1..=3600)\
    \n  --seed N  seed for the generated song (default 1)";

fn parse_args(args: &[String]) -> Result<(u32, u64), String> {
    let mut seconds = None;
    let mut seed = 1u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                let v = args.get(i + 1).ok_or("--seed needs a value")?;
                seed = v.parse().map_err(|_| format!("invalid seed: {v}"))?;
                i += 2;
            }
            "-h" | "--help" => return Err(String::new()),
            a if seconds.is_none() && !a.starts_with('-') => {
                let s: u32 = a.parse().map_err(|_| format!("invalid seconds: {a}"))?;
                if !(1..=3600).contains(&s) {
                    return Err("seconds must be between 1 and 3600".into());
                }
                seconds = Some(s);
                i += 1;
            }
            a => return Err(format!("unexpected argument: {a}")),
        }
    }
    Ok((seconds.ok_or("missing <seconds>")?, seed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (seconds, seed) = match parse_args(&args) {
        Ok(v) => v,
        // An empty message means --help was asked for: usage on stdout, success.
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("daw-render: {msg}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    let start = Instant::now();
    let summary = daw::render_song(seed, seconds, daw::SAMPLE_RATE);
    let secs = start.elapsed().as_secs_f64();

    println!("seconds: {seconds}");
    println!("checksum: {:016x}", summary.checksum);
    println!("realtime-factor: {:.1}", f64::from(seconds) / secs.max(1e-9));
    ExitCode::SUCCESS
}
