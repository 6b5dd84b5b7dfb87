using System.Net;
using System.Net.Sockets;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>A burst of datagrams: a listener writes several waiting datagrams at once, and none may be lost or reordered.</summary>
public class UdpBurstTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_burst_of_small_datagrams_reaches_stdout_whole_and_in_order()
    {
        var received = new ProgressStream();
        await using var listener = DotcatProcess.Start(["-lu", "127.0.0.1", "0", "-v"], received);
        int port = await listener.WaitForListeningPortAsync();

        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Connect(IPAddress.Loopback, port);
        var expected = new MemoryStream();
        for (int i = 0; i < 1000; i++)
        {
            byte[] datagram = Enumerable.Repeat((byte)(i % 251), 100).ToArray();
            datagram[0] = (byte)(i >> 8);
            datagram[1] = (byte)i;
            expected.Write(datagram);
            await sender.SendAsync(datagram);
        }

        await received.WaitForAsync(expected.Length);
        received.ToArray().ShouldBe(expected.ToArray());
    }
}
