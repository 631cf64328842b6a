package io.tokenpulse.cli;

import picocli.CommandLine;

/** The version line of {@code --version}: ours and the Kafka client's. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String ours = TokenPulseCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "TokenPulse " + (ours == null ? "0.1.0-SNAPSHOT" : ours),
            "Java " + System.getProperty("java.version")};
    }
}
