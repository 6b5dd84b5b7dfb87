using Dotcat.Diagnostics;

namespace Dotcat.Tests.InMemory.Diagnostics;

public sealed class ShownSpecs
{
    [Fact]
    public void A_fingerprint_a_user_copies_to_pin_is_shown_whole()
    {
        string pin = string.Join(':', Enumerable.Repeat("AB", 32));
        string line = $"listening with a throwaway certificate; pin it: --ssl-fingerprint {pin}";

        Shown.Message(line).ShouldBe(line);
    }

    [Fact]
    public void A_quoted_value_over_the_limit_is_cut_with_an_ellipsis()
    {
        string value = new('x', 100_000);

        Shown.Message($"invalid value '{value}' for --wait")
            .ShouldBe($"invalid value '{new string('x', Shown.MaxValueLength)}…' for --wait");
    }

    [Fact]
    public void A_long_unquoted_word_is_cut_and_the_rest_of_the_line_kept()
    {
        string word = new('y', Shown.MaxValueLength + 1);

        Shown.Message($"cannot open {word} now")
            .ShouldBe($"cannot open {new string('y', Shown.MaxValueLength)}… now");
    }
}
