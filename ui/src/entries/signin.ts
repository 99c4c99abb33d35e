import "../styles/base.css";
import "../styles/signin.css";
import { mount } from "../signin";

mount(document.body);
