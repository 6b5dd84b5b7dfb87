using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Toolbox;

/// <summary>OpenBSD nc's <c>-x HOST:PORT</c> is a proxy; dotcat's is a hex-dump file, so a new file named so is warned of.</summary>
public sealed class HexDumpProxyHabitTests
{
    [UnixTheory(Timeout = 60_000)]
    [InlineData("127.0.0.1:3128", true)]
    [InlineData("proxy.example:8080", true)]
    [InlineData("session.hex", false)]
    public async Task A_new_hex_dump_file_named_like_an_address_is_warned_of(string name, bool warned)
    {
        using var folder = new TempDir();
        await using var dotcat = DotcatRun.Start(["-l", "127.0.0.1", "0", "-v", "-x", folder.Path(name)]);
        await dotcat.WaitForListeningPortAsync();
        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();

        dotcat.Stderr.Contains("-x writes a hex dump to a new file named", StringComparison.Ordinal).ShouldBe(warned);
        File.Exists(folder.Path(name)).ShouldBeTrue();
    }

    [UnixFact(Timeout = 60_000)]
    public async Task An_existing_file_is_what_the_user_meant_and_gets_no_warning()
    {
        using var folder = new TempDir();
        File.WriteAllText(folder.Path("host:80"), "");
        await using var dotcat = DotcatRun.Start(["-l", "127.0.0.1", "0", "-v", "-x", folder.Path("host:80")]);
        await dotcat.WaitForListeningPortAsync();
        dotcat.Interrupt();
        await dotcat.WaitForExitAsync();

        dotcat.Stderr.ShouldNotContain("-x writes a hex dump");
    }
}
