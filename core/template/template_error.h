#pragma once
// Errors of the chat-template engine. A TemplateError says what went wrong and on which line of the
// template; a RaisedError is the template's own raise_exception(message), whose text is the message.
#include <stdexcept>
#include <string>

namespace gpo::tmpl {

class TemplateError : public std::runtime_error {
public:
    TemplateError(const std::string& message, int line)
        : std::runtime_error(line > 0 ? "line " + std::to_string(line) + ": " + message : message),
          line_(line), message_(message) {}
    int line() const { return line_; }
    /// The message without its line.
    const std::string& message() const { return message_; }

private:
    int line_;
    std::string message_;
};

class RaisedError : public std::runtime_error {
public:
    explicit RaisedError(const std::string& message) : std::runtime_error(message) {}
};

} // namespace gpo::tmpl
