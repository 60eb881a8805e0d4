using System.Text;
using Google.Protobuf;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing.Tests;

/// <summary>Translations between the protocol's TypedData, RpcHttp, RpcException and the public types.</summary>
public sealed class RpcMappingTests
{
    public static TheoryData<TypedValue> Values =>
    [
        TypedValue.FromString("text"),
        TypedValue.FromJson("""{"a":1}"""),
        TypedValue.FromBytes("bytes"u8),
        TypedValue.FromInt64(-42),
        TypedValue.FromDouble(1.5),
        TypedValue.FromStrings(["a", "b"]),
        TypedValue.FromByteArrays([new byte[] { 1 }, new byte[] { 2, 3 }]),
        TypedValue.FromDoubles([1.0, 2.5]),
        TypedValue.FromInt64s([1, -2]),
        TypedValue.FromModelBindingData(new ModelBindingDataValue("AzureStorageBlobs", "application/json", Encoding.UTF8.GetBytes("{}"))),
        TypedValue.None,
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void ToTypedData_ThenBack_KeepsKindAndValue(TypedValue value)
    {
        var back = RpcMapping.ToTypedValue(RpcMapping.ToTypedData(value));

        Assert.Equal(value.Kind, back.Kind);
        Assert.Equal(value.AsString(), back.AsString());
        Assert.Equivalent(value.Value, back.Value, strict: true);
    }

    [Fact]
    public void ToError_WorkerWithoutType_ReadsTheTypeFromTheMessage()
    {
        var error = RpcMapping.ToError(new RpcException { Message = "System.ArgumentException: bad\n   at X.Y()", StackTrace = "at X.Y()", Source = "App" })!;

        Assert.Equal("System.ArgumentException", error.Type);
        Assert.Null(RpcMapping.ToError(new RpcException { Message = "A task was canceled." })!.Type);
        Assert.Equal("My.Error", RpcMapping.ToError(new RpcException { Message = "m", Type = "My.Error", IsUserException = true })!.Type);
    }

    [Fact]
    public async Task ToResponseMessage_RpcHttp_StatusHeadersCookiesAndBody()
    {
        var rpc = new RpcHttp { StatusCode = "201", Body = new TypedData { Bytes = ByteString.CopyFromUtf8("created") } };
        rpc.Headers["Content-Type"] = "text/plain";
        rpc.Headers["Location"] = "/items/1";
        rpc.Cookies.Add(new RpcHttpCookie
        {
            Name = "id",
            Value = "7",
            Path = new NullableString { Value = "/" },
            HttpOnly = new NullableBool { Value = true },
            SameSite = RpcHttpCookie.Types.SameSite.Strict,
        });
        var http = Assert.IsType<RpcHttpResponse>(RpcMapping.ToTypedValue(new TypedData { Http = rpc }).Value);

        using var response = RpcMapping.ToResponseMessage(http);

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal("/items/1", response.Headers.Location!.OriginalString);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("id=7; path=/; samesite=strict; httponly", Assert.Single(response.Headers.GetValues("Set-Cookie")));
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void JsonDate_IsWrittenAsTheHostsSerializerWritesDateTimeOffset()
    {
        Assert.Equal("\"2026-01-01T12:00:00+00:00\"", RpcMapping.JsonDate(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero)).Value);
        Assert.Equal("2026-01-01T12:00:00.5+02:00", RpcMapping.FormatDate(new DateTimeOffset(2026, 1, 1, 12, 0, 0, 500, TimeSpan.FromHours(2))));
    }
}
