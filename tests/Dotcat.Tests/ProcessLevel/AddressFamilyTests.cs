using System.Net;
using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>IPv4/IPv6 forcing, names tried address by address, and IPv6 spelling in messages.</summary>
public sealed class AddressFamilyTests
{
    [IPv6Theory(Timeout = 60_000)]
    [InlineData("::1")]
    [InlineData("127.0.0.1")]
    public async Task Localhost_reaches_a_listener_on_either_loopback_only(string loopback)
    {
        using var listener = new TcpListener(IPAddress.Parse(loopback), 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var client = DotcatProcess.Start("localhost", port);
        using TcpClient accepted = await listener.AcceptTcpClientAsync().WaitAsync(DotcatProcess.DefaultTimeout);
        await client.Stdin.WriteAsync("hi"u8.ToArray());
        client.CloseStdin();
        var buffer = new byte[2];
        await accepted.GetStream().ReadExactlyAsync(buffer);
        buffer.ShouldBe("hi"u8.ToArray());
        accepted.Close();
        (await client.WaitForExitAsync()).ShouldBe(0);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("-4", "::1", "'::1' is an IPv6 address, but -4 was given")]
    [InlineData("-6", "127.0.0.1", "'127.0.0.1' is an IPv4 address, but -6 was given")]
    [InlineData("-4", "[::1]", "'::1' is an IPv6 address, but -4 was given")]
    public async Task An_address_of_the_wrong_family_is_a_clear_error(string family, string host, string message)
    {
        await using var dotcat = DotcatProcess.Start(family, host, "9");
        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.ShouldBe($"dotcat: {message}\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task Nodns_refuses_names()
    {
        await using var dotcat = DotcatProcess.Start("-n", "localhost", "9");
        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.ShouldContain("-n/--nodns");
    }

    [IPv6Theory(Timeout = 60_000)]
    [InlineData("::1", "-u")]
    [InlineData("[::1]", "-u")]
    [InlineData("::1", "-N")]
    [InlineData("[::1]", "-N")]
    public async Task IPv6_literals_work_with_and_without_brackets_and_print_in_brackets(string host, string transportFlag)
    {
        using var stdout = new ProgressStream();
        await using var listener = DotcatProcess.Start([transportFlag, "-l", "-v", host, "0"], stdout);
        string line = await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: listening on ", StringComparison.Ordinal));
        line.ShouldStartWith("dotcat: listening on [::1]:");
        string port = line[(line.LastIndexOf(':') + 1)..];

        await using var client = DotcatProcess.Start(transportFlag, "-v", host, port);
        await client.Stdin.WriteAsync("six\n"u8.ToArray());
        await client.Stdin.FlushAsync();
        await stdout.WaitForAsync(4);
        stdout.ToArray().ShouldBe("six\n"u8.ToArray());
        await client.WaitForStderrAsync(l => string.Equals(l, $"dotcat: connected to [::1]:{port}", StringComparison.Ordinal));
        await listener.WaitForStderrAsync(l => l.StartsWith("dotcat: connection from [::1]:", StringComparison.Ordinal));
    }
}
