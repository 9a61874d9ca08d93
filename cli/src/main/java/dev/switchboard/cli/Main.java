package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command: one runnable jar, one subcommand per tool. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "Switchboard: an AI inference gateway, with its model-server simulator and load generator.",
        subcommands = {RunCommand.class, ExtProcCommand.class, ValidateCommand.class, SimCommand.class, BenchCommand.class,
                PickerBenchCommand.class, ExtProcBenchCommand.class, KeysCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, with bad options reported as one line plus usage and exit code 2, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("switchboard: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 2;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof dev.switchboard.core.config.ConfigException) {
                c.getErr().println(ex.getMessage());
                return 1;
            }
            if (ex instanceof IllegalArgumentException) {
                c.getErr().println("switchboard: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cmd;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
