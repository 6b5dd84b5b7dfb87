using System.Net;
using System.Net.Sockets;
using Dotcat.Access;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Access;

/// <summary>The addresses real accepted sockets report, checked against the list: 127.0.0.1 against 127.0.0.2, and ::1.</summary>
public sealed class AccessSocketTests
{
    private static async Task<IPAddress> AcceptedFromAsync(Socket listener, IPEndPoint source)
    {
        using var client = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(source);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        IPAddress target = source.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(new IPEndPoint(target, port)).WaitAsync(TimeSpan.FromSeconds(10));
        using Socket accepted = await accept.WaitAsync(TimeSpan.FromSeconds(10));
        return ((IPEndPoint)accepted.RemoteEndPoint!).Address;
    }

    [LinuxFact]
    public async Task A_dual_stack_listener_sees_mapped_clients_that_match_their_IPv4_rules()
    {
        if (!Socket.OSSupportsIPv6)
            return;
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        listener.Listen(4);
        AccessList list = await AccessListBuilder.BuildAsync(
            new AccessSpec(["127.0.0.1", "::1"], [], [], []), (_, _) => Task.FromResult(Array.Empty<IPAddress>()), null, CancellationToken.None);

        IPAddress first = await AcceptedFromAsync(listener, new IPEndPoint(IPAddress.Loopback, 0));
        IPAddress second = await AcceptedFromAsync(listener, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        IPAddress six = await AcceptedFromAsync(listener, new IPEndPoint(IPAddress.IPv6Loopback, 0));

        first.IsIPv4MappedToIPv6.ShouldBeTrue();
        list.Admits(first).Admitted.ShouldBeTrue();
        list.Admits(second).ShouldBe(new AccessDecision(false, "not in --allow"));
        list.Admits(six).Admitted.ShouldBeTrue();
    }
}
