package dev.switchboard.cli;

import picocli.CommandLine.Command;

/** Placeholder until the bench module lands; replaced by the real command. */
@Command(name = "bench", description = "LLM load generator (being built).")
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("switchboard bench is not built yet");
    }
}
