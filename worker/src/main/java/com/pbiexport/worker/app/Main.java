package com.pbiexport.worker.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code run --config FILE}, {@code demo}, {@code submit}, {@code doctor}, {@code version},
 * {@code help [COMMAND]}; {@code -h/--help} and {@code -V/--version} on every command.
 * Exit codes: 0 success, 1 a run ended in failure, 2 bad usage or invalid configuration.
 */
@Command(name = "export-worker", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Turns Power BI reports into files, from Kafka events.",
        subcommands = {RunCommand.class, DemoCommand.class, SubmitCommand.class, DoctorCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI without exiting (tests). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText(ex.getMessage() == null
                            ? ex.getClass().getSimpleName() : ex.getMessage()));
                    return ex instanceof com.pbiexport.worker.config.ConfigException
                            || ex instanceof IllegalArgumentException ? 2 : 1;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
