package org.tornadogpt.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code tornado-gpt} command: a picocli root whose subcommands do the work. Errors are one
 * line on stderr, {@code tornado-gpt: <message>}: exit code 2 for a wrong command line (the line ends
 * with a hint to use --help), 1 for anything that fails while running (unreadable weights, ...). Stack traces
 * only with {@code --verbose}.
 */
@Command(name = "tornado-gpt", mixinStandardHelpOptions = true, version = "tornado-gpt 0.1.0",
        description = "Train and run GPT-2 style models with TornadoVM kernels, or on every core of a plain JDK.",
        commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {

    /** Exit code of a command line that could not be understood. */
    public static final int USAGE_ERROR = 2;
    /** Exit code of a failure while running. */
    public static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors and more detail.")
    boolean verbose;

    /** The command tree; every subcommand is registered here, one line each. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("train", new TrainCommand());
        cl.addSubcommand("generate", new GenerateCommand());
        cl.addSubcommand("eval", new EvalCommand());
        cl.addSubcommand("devices", new DevicesCommand());
        cl.addSubcommand("bench", new BenchCommand());
        cl.addSubcommand("tokenize", new TokenizeCommand());
        return cl;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err));
    }

    /** Runs the command line with the given streams (tests call this in-process); returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOverwrittenOptionsAllowed(true); // the last occurrence wins, so @argfile presets can be overridden
        cl.setOut(out);
        cl.setErr(err);
        boolean verbose = Arrays.asList(args).contains("--verbose");
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("tornado-gpt: " + usageMessage(ex) + "; try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            if (verbose) ex.printStackTrace(err);
            err.flush();
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            out.flush();
            err.println("tornado-gpt: " + message(ex));
            if (verbose) ex.printStackTrace(err);
            err.flush();
            return ex instanceof IllegalArgumentException ? USAGE_ERROR : FAILURE;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (Error e) { // picocli hands only Exceptions to the handler
            out.flush();
            err.println("tornado-gpt: " + message(e));
            if (verbose) e.printStackTrace(err);
            code = FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (one of: " + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** picocli's message, except that an unknown option is named alone (not with its value) with close matches. */
    static String usageMessage(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            String m = (first.startsWith("-") ? "unknown option '" : "unexpected argument '") + first + "'";
            List<String> s = u.getSuggestions();
            if (!s.isEmpty()) m += " (did you mean " + String.join(" or ", s.subList(0, Math.min(3, s.size()))) + "?)";
            return m;
        }
        return oneLine(ex.getMessage());
    }

    /** The message of an exception on one line; the class name when it has none. */
    static String message(Throwable ex) {
        if (ex instanceof java.nio.file.NoSuchFileException e) return e.getFile() + ": file not found";
        if (ex instanceof java.nio.file.AccessDeniedException e) return e.getFile() + ": permission denied";
        if (ex instanceof java.nio.file.FileSystemException e && e.getFile() != null)
            return e.getFile() + ": " + (e.getReason() == null ? ex.getClass().getSimpleName() : e.getReason());
        String m = ex.getMessage();
        if (m == null || m.isBlank()) m = ex.getClass().getSimpleName();
        if (ex instanceof OutOfMemoryError) m = "out of memory: " + m + "; give the JVM more with JAVA_OPTS "
                + "(-Xmx for the heap, -XX:MaxDirectMemorySize for weights, activations and the KV cache, which are off-heap)";
        return oneLine(m);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
