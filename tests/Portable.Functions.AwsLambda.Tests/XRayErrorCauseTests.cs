using System.Text.Json;

namespace Portable.Functions.AwsLambda.Tests;

public sealed class XRayErrorCauseTests
{
    [Fact]
    public void Frames_ReadTheMethodPathAndLine_OfEveryFrameDotNetPrints()
    {
        const string trace = """
               at Shop.Orders.Place(Order order) in /src/Shop/Orders.cs:line 42
               at Shop.Orders.<>c.<Run>b__0_0() in C:\src\Shop\Orders.cs:line 7
               at System.Threading.Tasks.Task.InnerInvoke()
            --- End of stack trace from previous location ---
            """;

        var frames = XRayErrorCause.Frames(trace).ToList();

        Assert.Equal(
            [("Shop.Orders.Place(Order order)", "/src/Shop/Orders.cs", 42), ("Shop.Orders.<>c.<Run>b__0_0()", @"C:\src\Shop\Orders.cs", 7), ("System.Threading.Tasks.Task.InnerInvoke()", null, null)],
            frames.Select(f => (f.Label, f.Path, f.Line)));
    }

    [Fact]
    public void Create_ListsTheWholeChain_OnOneLineOfAscii()
    {
        Exception exception;
        try
        {
            try
            {
                throw new InvalidOperationException("inner — ünïcode\nsecond line");
            }
            catch (InvalidOperationException inner)
            {
                throw new AggregateException("outer", inner);
            }
        }
        catch (AggregateException outer)
        {
            exception = outer;
        }

        var cause = XRayErrorCause.Create(exception, "/var/task")!;

        Assert.All(cause, c => Assert.True(c is >= ' ' and <= '~'));
        using var json = JsonDocument.Parse(cause);
        Assert.Equal("/var/task", json.RootElement.GetProperty("working_directory").GetString());
        Assert.Equal(["AggregateException", "InvalidOperationException"], json.RootElement.GetProperty("exceptions").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("inner — ünïcode\nsecond line", json.RootElement.GetProperty("exceptions")[1].GetProperty("message").GetString());
    }

    [Fact]
    public void Create_TooLargeWithFrames_DropsThem_AndTooLargeEvenThen_IsLeftOut()
    {
        Exception deep;
        try
        {
            Recurse(200);
            throw new System.Diagnostics.UnreachableException();
        }
        catch (InvalidOperationException exception)
        {
            deep = exception;
        }

        var huge = new InvalidOperationException(new string('x', XRayErrorCause.MaxSize));

        Assert.NotNull(XRayErrorCause.Create(deep, "/var/task"));
        Assert.Null(XRayErrorCause.Create(huge, "/var/task"));

        static void Recurse(int depth)
        {
            if (depth == 0)
            {
                throw new InvalidOperationException("deep");
            }

            Recurse(depth - 1);
        }
    }
}
