//! `midi-import <count> [--seed N]`: generate, parse and analyse `count`
//! Standard MIDI Files and print a checksum of all results.

use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: midi-import <count> [--seed N]\n\
    \n  count     number of MIDI files to generate and import (integer >= 1)\
    \n  --seed N  base seed for the generator (default 1)";

fn parse_args(args: &[String]) -> Result<(u64, u64), String> {
    let mut count = None;
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
            a if count.is_none() && !a.starts_with('-') => {
                let n: u64 = a.parse().map_err(|_| format!("invalid count: {a}"))?;
                if n == 0 {
                    return Err("count must be at least 1".into());
                }
                count = Some(n);
                i += 1;
            }
            a => return Err(format!("unexpected argument: {a}")),
        }
    }
    Ok((count.ok_or("missing <count>")?, seed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (count, seed) = match parse_args(&args) {
        Ok(v) => v,
        // An empty message means --help was asked for: usage on stdout, success.
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("midi-import: {msg}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    let start = Instant::now();
    let summary = match pipeline::import_batch(count, seed) {
        Ok(s) => s,
        Err((index, err)) => {
            eprintln!("midi-import: generated file {index} failed to parse: {err}");
            return ExitCode::FAILURE;
        }
    };
    let secs = start.elapsed().as_secs_f64();

    println!("files: {}", summary.files);
    println!("checksum: {:016x}", summary.checksum);
    println!("files/sec: {:.1}", summary.files as f64 / secs.max(1e-9));
    ExitCode::SUCCESS
}
