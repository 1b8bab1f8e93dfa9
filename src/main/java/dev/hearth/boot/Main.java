package dev.hearth.boot;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code hearth} command line. Subcommands: {@code serve}. Exit codes: 0 success, 1 a start-up
 * failure the user can fix (printed as one line), 2 a usage error.
 */
@Command(name = "hearth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A self-hosted, AWS Lambda-compatible serverless platform.",
        subcommands = {ServeCommand.class, DoctorCommand.class, dev.hearth.bench.BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hearth " + version()};
        }
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
