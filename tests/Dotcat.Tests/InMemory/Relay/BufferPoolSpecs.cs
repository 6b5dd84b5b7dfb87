using Dotcat.Relay;

namespace Dotcat.Tests.InMemory.Relay;

public class BufferPoolSpecs
{
    [Fact]
    public void A_buffer_is_the_size_asked_for_rounded_up_to_a_power_of_two()
    {
        var pool = new BufferPool(keptPerSize: 2);
        pool.Rent(64 * 1024).Length.ShouldBe(64 * 1024);
        pool.Rent(65_507).Length.ShouldBe(64 * 1024);                     // the largest UDP datagram fits
        pool.Rent(100_000).Length.ShouldBe(128 * 1024);
        pool.Rent(0).Length.ShouldBe(1);
    }

    [Fact]
    public async Task A_buffer_given_back_is_the_next_one_of_its_size_taken_whichever_thread_takes_it()
    {
        var pool = new BufferPool(keptPerSize: 2);
        byte[] given = pool.Rent(4096);
        pool.Return(given);
        byte[] taken = await Task.Run(() => pool.Rent(4096));
        taken.ShouldBeSameAs(given);
        pool.Rent(8192).ShouldNotBeSameAs(given);
    }

    [Fact]
    public void It_keeps_at_most_keptPerSize_of_each_size()
    {
        var pool = new BufferPool(keptPerSize: 2);
        byte[][] rented = [pool.Rent(4096), pool.Rent(4096), pool.Rent(4096)];
        foreach (byte[] buffer in rented)
            pool.Return(buffer);
        byte[][] again = [pool.Rent(4096), pool.Rent(4096), pool.Rent(4096)];
        again.Count(b => rented.Contains(b)).ShouldBe(2);                 // the third was dropped, a new one made
    }

    [Fact]
    public void A_buffer_returned_with_clearArray_comes_back_zeroed()
    {
        var pool = new BufferPool(keptPerSize: 1);
        byte[] buffer = pool.Rent(16);
        buffer.AsSpan().Fill(0xAB);
        pool.Return(buffer, clearArray: true);
        pool.Rent(16).ShouldAllBe(b => b == 0);
    }

    [Fact]
    public void A_buffer_that_is_not_the_pools_is_refused()
    {
        var pool = new BufferPool(keptPerSize: 1);
        Should.Throw<ArgumentException>(() => pool.Return(new byte[1000]));
    }
}
