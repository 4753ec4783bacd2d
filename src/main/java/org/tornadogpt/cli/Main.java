package org.tornadogpt.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tornado-gpt} command line: picocli subcommands. Every failure the user can fix is one
 * line on stderr starting with {@code tornado-gpt: } and a non-zero exit status (1 for a failed
 * run, 2 for a command line that does not parse).
 */
@Command(name = "tornado-gpt", mixinStandardHelpOptions = true, version = "tornado-gpt 0.1.0",
        description = "Train and run GPT-2 style models with TornadoVM kernels, or on every core of a plain JDK.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final String PREFIX = "tornado-gpt: ";

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        err.println(PREFIX + "missing command; try 'tornado-gpt --help'");
        throw new CommandLine.ExecutionException(new CommandLine(this), "missing command");
    }

    /** The root command line, printing to the given streams. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main(out, err));
        cl.addSubcommand("train", new TrainCommand(out, err));
        cl.setOverwrittenOptionsAllowed(true); // the last occurrence wins, so @argfile presets can be overridden
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println(PREFIX + oneLine(ex.getMessage()) + "; see 'tornado-gpt " + commandPath(ex.getCommandLine()) + "--help'");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (!"missing command".equals(ex.getMessage())) err.println(PREFIX + oneLine(String.valueOf(ex.getMessage())));
            return 1;
        });
        return cl;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) sb.insert(0, c.getCommandName() + " ");
        return sb.toString();
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
