using System.Net;
using System.Net.Sockets;
using Dotcat.Access;
using Dotcat.Diagnostics;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Access;

public sealed class AccessListTests
{
    private static readonly HostResolver Names = (host, _) => Task.FromResult(host switch
    {
        "gateway.test" => new[] { IPAddress.Parse("127.0.0.2"), IPAddress.Parse("::2") },
        "empty.test" => [],
        _ => throw new SocketException((int)SocketError.HostNotFound),
    });

    private static Task<AccessList> Build(string[]? allow = null, string[]? deny = null, string[]? allowFiles = null, string[]? denyFiles = null, Action<string>? note = null) =>
        AccessListBuilder.BuildAsync(new AccessSpec(allow ?? [], deny ?? [], allowFiles ?? [], denyFiles ?? []), Names, note, CancellationToken.None);

    private static AccessDecision Check(AccessList list, string address) => list.Admits(IPAddress.Parse(address));

    [Fact]
    public async Task No_rules_admit_everyone()
    {
        AccessList list = await Build();
        list.IsOpen.ShouldBeTrue();
        Check(list, "203.0.113.9").Admitted.ShouldBeTrue();
    }

    [Fact]
    public async Task An_allow_rule_refuses_everything_else_and_says_why()
    {
        AccessList list = await Build(allow: ["127.0.0.1"]);
        Check(list, "127.0.0.1").ShouldBe(AccessDecision.Admit);
        Check(list, "127.0.0.2").ShouldBe(new AccessDecision(false, "not in --allow"));
        Check(list, "::1").Admitted.ShouldBeFalse();
    }

    [Fact]
    public async Task Deny_wins_over_allow()
    {
        AccessList list = await Build(allow: ["127.0.0.0/8"], deny: ["127.0.0.2"]);
        Check(list, "127.0.0.1").Admitted.ShouldBeTrue();
        Check(list, "127.0.0.2").ShouldBe(new AccessDecision(false, "in --deny"));
    }

    [Fact]
    public async Task Deny_alone_admits_the_rest()
    {
        AccessList list = await Build(deny: ["10.0.0.0/8 192.168.0.0/16"]);
        Check(list, "10.200.1.1").Admitted.ShouldBeFalse();
        Check(list, "192.168.255.255").Admitted.ShouldBeFalse();
        Check(list, "192.169.0.0").Admitted.ShouldBeTrue();
        Check(list, "127.0.0.1").Admitted.ShouldBeTrue();
    }

    [Theory]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("0.0.0.0/0", "::1", false)]
    [InlineData("127.0.0.1/32", "127.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.0", false)]
    [InlineData("127.0.0.1/31", "127.0.0.0", true)]
    [InlineData("127.0.0.1/31", "127.0.0.2", false)]
    [InlineData("10.0.0.0/9", "10.127.255.255", true)]
    [InlineData("10.0.0.0/9", "10.128.0.0", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("::/0", "127.0.0.1", false)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1/128", "::2", false)]
    [InlineData("[::1]", "::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::", false)]
    [InlineData("2001:db8::/127", "2001:db8::1", true)]
    [InlineData("2001:db8::/127", "2001:db8::2", false)]
    [InlineData("fe80::/10", "febf::1", true)]
    [InlineData("fe80::/10", "fec0::1", false)]
    public async Task Cidr_blocks_cover_exactly_their_range(string rule, string client, bool admitted)
    {
        AccessList list = await Build(allow: [rule]);
        Check(list, client).Admitted.ShouldBe(admitted);
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("127.0.0.1")]
    public async Task An_IPv4_mapped_client_matches_its_IPv4_rule(string rule)
    {
        AccessList list = await Build(deny: [rule]);
        Check(list, "::ffff:127.0.0.1").Admitted.ShouldBeFalse();
        Check(list, "127.0.0.1").Admitted.ShouldBeFalse();
        Check(list, "127.0.0.2").Admitted.ShouldBeTrue();
    }

    [Fact]
    public async Task Host_bits_are_masked_and_noted()
    {
        var notes = new List<string>();
        AccessList list = await Build(allow: ["10.1.2.3/8"], note: notes.Add);
        Check(list, "10.9.9.9").Admitted.ShouldBeTrue();
        notes.ShouldBe(["--allow: '10.1.2.3/8' has host bits set; it means 10.0.0.0/8"]);
    }

    [Theory]
    [InlineData("10.0.0.0/33", "--allow: bad prefix length in '10.0.0.0/33' (0 to 32)")]
    [InlineData("::/129", "--allow: bad prefix length in '::/129' (0 to 128)")]
    [InlineData("10.0.0.0/-1", "--allow: bad prefix length in '10.0.0.0/-1' (0 to 32)")]
    [InlineData("10.0.0.0/", "--allow: bad prefix length in '10.0.0.0/' (0 to 32)")]
    [InlineData("gateway.test/24", "--allow: 'gateway.test/24' is not an address or CIDR block")]
    [InlineData("10.0.0.300", "--allow: '10.0.0.300' is not an address or CIDR block")]
    [InlineData("bad!name", "--allow: 'bad!name' is not an address or CIDR block")]
    [InlineData("nowhere.test", "--allow: cannot resolve 'nowhere.test': name not found")]
    [InlineData("empty.test", "--allow: cannot resolve 'empty.test': name not found")]
    public async Task Bad_entries_are_usage_errors(string entry, string message)
    {
        UsageException e = await Should.ThrowAsync<UsageException>(() => Build(allow: [entry]));
        e.Message.ShouldBe(message);
        e.ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public async Task Names_are_resolved_once_to_every_address()
    {
        int calls = 0;
        HostResolver counting = (host, ct) =>
        {
            calls++;
            return Names(host, ct);
        };
        AccessList list = await AccessListBuilder.BuildAsync(new AccessSpec(["gateway.test"], [], [], []), counting, null, CancellationToken.None);
        Check(list, "127.0.0.2").Admitted.ShouldBeTrue();
        Check(list, "::2").Admitted.ShouldBeTrue();
        Check(list, "127.0.0.1").Admitted.ShouldBeFalse();
        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Files_have_comments_blank_lines_and_several_entries_per_line()
    {
        using var dir = new TempDir();
        string allowFile = dir.Path("allow");
        string denyFile = dir.Path("deny");
        await File.WriteAllTextAsync(allowFile, "# who may connect\n\n127.0.0.0/8   # loopback\r\n::1, gateway.test\n   \n#::2\n");
        await File.WriteAllTextAsync(denyFile, "127.0.0.9\n");
        AccessList list = await Build(allowFiles: [allowFile], denyFiles: [denyFile]);
        Check(list, "127.0.0.5").Admitted.ShouldBeTrue();
        Check(list, "::1").Admitted.ShouldBeTrue();
        Check(list, "::2").Admitted.ShouldBeTrue();
        Check(list, "::3").Admitted.ShouldBeFalse();
        Check(list, "127.0.0.9").ShouldBe(new AccessDecision(false, "in --deny"));
    }

    [Fact]
    public async Task A_bad_line_in_a_file_names_the_file()
    {
        using var dir = new TempDir();
        string file = dir.Path("deny");
        await File.WriteAllTextAsync(file, "127.0.0.1\n127.0.0.1/40\n");
        UsageException e = await Should.ThrowAsync<UsageException>(() => Build(denyFiles: [file]));
        e.Message.ShouldBe($"--denyfile {file}: bad prefix length in '127.0.0.1/40' (0 to 32)");
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        using var dir = new TempDir();
        string file = dir.Path("missing");
        UsageException e = await Should.ThrowAsync<UsageException>(() => Build(allowFiles: [file]));
        e.Message.ShouldBe($"--allowfile {file}: no such file");
    }

    [Fact]
    public async Task Lists_split_on_commas_and_spaces()
    {
        AccessList list = await Build(allow: ["127.0.0.1,127.0.0.3 ::1"]);
        Check(list, "127.0.0.3").Admitted.ShouldBeTrue();
        Check(list, "::1").Admitted.ShouldBeTrue();
        Check(list, "127.0.0.2").Admitted.ShouldBeFalse();
    }

    [Fact]
    public async Task A_check_allocates_nothing()
    {
        AccessList list = await Build(allow: ["10.0.0.0/8", "2001:db8::/32"], deny: ["10.0.0.1"]);
        IPAddress v4 = IPAddress.Parse("10.2.3.4"), v6 = IPAddress.Parse("2001:db8::7");
        list.Admits(v4);
        list.Admits(v6);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            list.Admits(v4);
            list.Admits(v6);
        }
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
