using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class PortListTests
{
    [Fact]
    public void TryParse_expands_ports_and_ranges()
    {
        PortList.TryParse("22,80,8000-8100", out IReadOnlyList<int> ports, out string? error).ShouldBeTrue();

        error.ShouldBeNull();
        ports.ShouldBe([22, 80, .. Enumerable.Range(8000, 101)]);
    }

    [Fact]
    public void TryParse_sorts_and_removes_duplicates()
    {
        PortList.TryParse("80,22,80,21-23,22-22", out IReadOnlyList<int> ports, out _).ShouldBeTrue();

        ports.ShouldBe([21, 22, 23, 80]);
    }

    [Theory]
    [InlineData("1", 1, 1, 1)]
    [InlineData("65535", 65535, 65535, 1)]
    [InlineData("1-65535", 1, 65535, 65535)]
    [InlineData("5-5", 5, 5, 1)]
    [InlineData("080", 80, 80, 1)]
    public void TryParse_accepts_the_whole_port_range(string text, int first, int last, int count)
    {
        PortList.TryParse(text, out IReadOnlyList<int> ports, out _).ShouldBeTrue();

        ports.Count.ShouldBe(count);
        ports[0].ShouldBe(first);
        ports[^1].ShouldBe(last);
    }

    [Theory]
    [InlineData("", "empty port list")]
    [InlineData("70000", "invalid port '70000'")]
    [InlineData("0", "invalid port '0'")]
    [InlineData("0-10", "invalid port '0'")]
    [InlineData("1-70000", "invalid port '70000'")]
    [InlineData("99999999999", "invalid port '99999999999'")]
    [InlineData("a", "invalid port 'a'")]
    [InlineData("+22", "invalid port '+22'")]
    [InlineData(" 22", "invalid port ' 22'")]
    [InlineData("22 ,80", "invalid port '22 '")]
    [InlineData("22, 80", "invalid port ' 80'")]
    [InlineData("22,http", "invalid port 'http'")]
    [InlineData("90-80", "invalid port range '90-80'")]
    [InlineData("1-2-3", "invalid port range '1-2-3'")]
    [InlineData("-5", "invalid port range '-5'")]
    [InlineData("5-", "invalid port range '5-'")]
    [InlineData("-", "invalid port range '-'")]
    [InlineData("22,,80", "empty entry in port list '22,,80'")]
    [InlineData("22,", "empty entry in port list '22,'")]
    [InlineData(",", "empty entry in port list ','")]
    public void TryParse_names_the_bad_part(string text, string expected)
    {
        PortList.TryParse(text, out IReadOnlyList<int> ports, out string? error).ShouldBeFalse();

        error.ShouldBe(expected);
        ports.ShouldBeEmpty();
    }
}
