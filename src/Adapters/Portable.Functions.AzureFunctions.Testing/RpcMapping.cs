using System.Globalization;
using System.Net;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Portable.Functions.AzureFunctions.Testing.Rpc;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>Translations between the protocol's messages and the emulator's public types.</summary>
internal static class RpcMapping
{
    /// <summary>The format the host's JSON serializer (Newtonsoft.Json, ISO dates) writes a <see cref="DateTimeOffset"/> in.</summary>
    private const string HostDateFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz";

    public static string FormatDate(DateTimeOffset value) => value.ToString(HostDateFormat, CultureInfo.InvariantCulture);

    /// <summary>A date as the host sends one in trigger metadata: serialized to a JSON string.</summary>
    public static TypedValue JsonDate(DateTimeOffset value) => TypedValue.FromJson("\"" + FormatDate(value) + "\"");

    public static TypedData ToTypedData(TypedValue value)
    {
        var data = new TypedData();
        switch (value.Value)
        {
            case null:
                break;
            case string text when value.Kind == TypedValueKind.Json:
                data.Json = text;
                break;
            case string text:
                data.String = text;
                break;
            case byte[] bytes when value.Kind == TypedValueKind.Stream:
                data.Stream = ByteString.CopyFrom(bytes);
                break;
            case byte[] bytes:
                data.Bytes = ByteString.CopyFrom(bytes);
                break;
            case long number:
                data.Int = number;
                break;
            case double number:
                data.Double = number;
                break;
            case string[] strings:
                data.CollectionString = new CollectionString { String = { strings } };
                break;
            case byte[][] arrays:
                data.CollectionBytes = new CollectionBytes { Bytes = { arrays.Select(ByteString.CopyFrom) } };
                break;
            case double[] numbers:
                data.CollectionDouble = new CollectionDouble { Double = { numbers } };
                break;
            case long[] numbers:
                data.CollectionSint64 = new CollectionSInt64 { Sint64 = { numbers } };
                break;
            case ModelBindingDataValue model:
                data.ModelBindingData = ToRpc(model);
                break;
            case ModelBindingDataValue[] models:
                data.CollectionModelBindingData = new CollectionModelBindingData { ModelBindingData = { models.Select(ToRpc) } };
                break;
            default:
                throw new NotSupportedException($"A {value.Kind} value cannot be sent to the worker.");
        }

        return data;
    }

    public static TypedValue ToTypedValue(TypedData data) => data.DataCase switch
    {
        TypedData.DataOneofCase.String => TypedValue.Create(TypedValueKind.String, data.String),
        TypedData.DataOneofCase.Json => TypedValue.Create(TypedValueKind.Json, data.Json),
        TypedData.DataOneofCase.Bytes => TypedValue.Create(TypedValueKind.Bytes, data.Bytes.ToByteArray()),
        TypedData.DataOneofCase.Stream => TypedValue.Create(TypedValueKind.Stream, data.Stream.ToByteArray()),
        TypedData.DataOneofCase.Http => TypedValue.Create(TypedValueKind.Http, ToHttpResponse(data.Http)),
        TypedData.DataOneofCase.Int => TypedValue.Create(TypedValueKind.Int, data.Int),
        TypedData.DataOneofCase.Double => TypedValue.Create(TypedValueKind.Double, data.Double),
        TypedData.DataOneofCase.CollectionBytes => TypedValue.Create(TypedValueKind.CollectionBytes, data.CollectionBytes.Bytes.Select(b => b.ToByteArray()).ToArray()),
        TypedData.DataOneofCase.CollectionString => TypedValue.Create(TypedValueKind.CollectionString, data.CollectionString.String.ToArray()),
        TypedData.DataOneofCase.CollectionDouble => TypedValue.Create(TypedValueKind.CollectionDouble, data.CollectionDouble.Double.ToArray()),
        TypedData.DataOneofCase.CollectionSint64 => TypedValue.Create(TypedValueKind.CollectionSInt64, data.CollectionSint64.Sint64.ToArray()),
        TypedData.DataOneofCase.ModelBindingData => TypedValue.Create(TypedValueKind.ModelBindingData, FromRpc(data.ModelBindingData)),
        TypedData.DataOneofCase.CollectionModelBindingData => TypedValue.Create(
            TypedValueKind.CollectionModelBindingData, data.CollectionModelBindingData.ModelBindingData.Select(FromRpc).ToArray()),
        _ => TypedValue.None,
    };

    public static InvocationError? ToError(RpcException? exception)
    {
        if (exception is null)
        {
            return null;
        }

        return new InvocationError(
            string.IsNullOrEmpty(exception.Type) ? TypeFromMessage(exception.Message) : exception.Type,
            exception.Message,
            exception.StackTrace,
            exception.Source,
            exception.IsUserException);
    }

    public static WorkerLogEntry ToLogEntry(RpcLog log) => new(
        string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
        log.Category,
        (LogLevel)(int)log.Level,
        log.Message,
        ToError(log.Exception),
        (WorkerLogKind)(int)log.LogCategory);

    public static InvocationStatus ToStatus(StatusResult? result) => result?.Status switch
    {
        StatusResult.Types.Status.Success => InvocationStatus.Success,
        StatusResult.Types.Status.Cancelled => InvocationStatus.Cancelled,
        _ => InvocationStatus.Failure,
    };

    /// <summary>The HTTP response the host makes of the worker's <c>RpcHttp</c>.</summary>
    public static HttpResponseMessage ToResponseMessage(RpcHttpResponse http)
    {
        var content = new ByteArrayContent(http.Body?.Value switch
        {
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => [],
        });
        var response = new HttpResponseMessage((HttpStatusCode)(http.StatusCode ?? 200)) { Content = content };
        foreach (var (name, value) in http.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var cookie in http.SetCookies)
        {
            response.Headers.TryAddWithoutValidation(HeaderNames.SetCookie, cookie);
        }

        return response;
    }

    private static RpcHttpResponse ToHttpResponse(RpcHttp http)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in http.Headers)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in http.NullableHeaders)
        {
            if (value.KindCase == NullableString.KindOneofCase.Value)
            {
                headers[name] = value.Value;
            }
        }

        int? status = int.TryParse(http.StatusCode, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        var body = http.Body is null ? null : ToTypedValue(http.Body);
        return new RpcHttpResponse(status, headers, [.. http.Cookies.Select(ToSetCookie)], body);
    }

    private static string ToSetCookie(RpcHttpCookie cookie)
    {
        var header = new SetCookieHeaderValue(cookie.Name, cookie.Value)
        {
            Domain = cookie.Domain?.KindCase == NullableString.KindOneofCase.Value ? cookie.Domain.Value : null,
            Path = cookie.Path?.KindCase == NullableString.KindOneofCase.Value ? cookie.Path.Value : null,
            Expires = cookie.Expires?.KindCase == NullableTimestamp.KindOneofCase.Value ? cookie.Expires.Value.ToDateTimeOffset() : null,
            Secure = cookie.Secure?.KindCase == NullableBool.KindOneofCase.Value && cookie.Secure.Value,
            HttpOnly = cookie.HttpOnly?.KindCase == NullableBool.KindOneofCase.Value && cookie.HttpOnly.Value,
            MaxAge = cookie.MaxAge?.KindCase == NullableDouble.KindOneofCase.Value ? TimeSpan.FromSeconds(cookie.MaxAge.Value) : null,
            SameSite = cookie.SameSite switch
            {
                RpcHttpCookie.Types.SameSite.Lax => SameSiteMode.Lax,
                RpcHttpCookie.Types.SameSite.Strict => SameSiteMode.Strict,
                RpcHttpCookie.Types.SameSite.ExplicitNone => SameSiteMode.None,
                _ => SameSiteMode.Unspecified,
            },
        };
        return header.ToString();
    }

    private static Rpc.ModelBindingData ToRpc(ModelBindingDataValue model) => new()
    {
        Source = model.Source,
        ContentType = model.ContentType,
        Version = model.Version,
        Content = ByteString.CopyFrom(model.Content.Span),
    };

    private static ModelBindingDataValue FromRpc(Rpc.ModelBindingData model) =>
        new(model.Source, model.ContentType, model.Content.ToByteArray(), model.Version);

    /// <summary>The type name at the start of <see cref="Exception.ToString"/>'s first line (<c>System.InvalidOperationException: boom</c>).</summary>
    private static string? TypeFromMessage(string message)
    {
        var end = message.IndexOfAny([':', '\r', '\n']);
        var candidate = end < 0 ? message : message[..end];
        return candidate.Length > 0 && candidate.Contains('.', StringComparison.Ordinal) && !candidate.Any(char.IsWhiteSpace) ? candidate : null;
    }
}
