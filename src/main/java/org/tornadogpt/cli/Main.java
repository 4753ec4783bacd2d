package org.tornadogpt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The tornado-gpt command line: a picocli root whose subcommands do the work. */
@Command(name = "tornado-gpt", mixinStandardHelpOptions = true, version = "tornado-gpt 0.1.0",
        description = "Train and run GPT-2 style models with TornadoVM kernels, or on every core of the JVM.",
        subcommands = {
                DevicesCommand.class,
                BenchCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
